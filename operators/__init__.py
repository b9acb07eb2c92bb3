"""HALCON operators implemented in Python, grouped by HALCON chapter (installed as hdl.operators)."""
