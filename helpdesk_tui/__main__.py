from helpdesk_tui.cli import main

main()
