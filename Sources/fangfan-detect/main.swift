import ArgumentParser
import FangfanCLI

/// `fangfan-detect`: the same command as `fangfan detect`, as its own executable.
struct Main: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fangfan-detect", abstract: DetectCommand.configuration.abstract,
        discussion: DetectCommand.configuration.discussion)
    @OptionGroup var command: DetectCommand
    func run() throws { try command.run() }
}
Main.main()
