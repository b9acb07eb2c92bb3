"""Deep learning for hdl: models, weights, the model file format (PyTorch underneath).

Only `hdl.dl.handles` may be imported without torch; everything else imports
torch and is loaded lazily by the DL operators (operators/dl.py), so that
`hdl --help`, `hdl check` and programs without DL operators never pay for it.
See docs/dl.md.
"""
