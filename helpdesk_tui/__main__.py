from helpdesk_tui.launch import main

main()
