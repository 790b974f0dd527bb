from indusco_sim import signals

signals.install()  # as early as possible: a signal while the command line loads also ends in the one-line stop

from indusco_sim.cli import main  # noqa: E402

main()
