from indusco_sim.cli import main

main()
