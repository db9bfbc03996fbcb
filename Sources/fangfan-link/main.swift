import ArgumentParser
import FangfanCLI

/// `fangfan-link`: the same command as `fangfan link`, as its own executable.
struct Main: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fangfan-link", abstract: LinkCommand.configuration.abstract,
        discussion: LinkCommand.configuration.discussion)
    @OptionGroup var command: LinkCommand
    func run() throws { try command.run() }
}
Main.main()
