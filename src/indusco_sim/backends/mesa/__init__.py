"""The Mesa reference backend (`--backend mesa`): every worker, cooperative and depot a mesa.Agent."""
