"""hdl's standard procedure library, written in the HDevelop language (installed as hdl.procedures).

The procedures are the .hds files beside this one; programs find them after
their own procedure path (hdl/procedure_path.py).  Nothing here is Python.
"""
