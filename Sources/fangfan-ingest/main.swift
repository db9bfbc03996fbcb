import ArgumentParser
import FangfanCLI

/// `fangfan-ingest`: the same command as `fangfan ingest`, as its own executable.
struct Main: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fangfan-ingest", abstract: IngestCommand.configuration.abstract,
        discussion: IngestCommand.configuration.discussion)
    @OptionGroup var command: IngestCommand
    func run() throws { try command.run() }
}
Main.main()
