import ArgumentParser
import FangfanCLI

/// `fangfan-emit`: the same command as `fangfan emit`, as its own executable.
struct Main: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fangfan-emit", abstract: EmitCommand.configuration.abstract,
        discussion: EmitCommand.configuration.discussion)
    @OptionGroup var command: EmitCommand
    func run() throws { try command.run() }
}
Main.main()
