from gemcare.cli import main

main()
