from hdl.cli import main

main()
