import FangfanCLI

FangfanCommand.main()
