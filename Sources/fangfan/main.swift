import FangfanCLI
FangfanCommand.main()
