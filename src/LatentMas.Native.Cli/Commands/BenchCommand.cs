using System.CommandLine;
using LatentMas.Native.Bench;

namespace LatentMas.Native.Cli.Commands;

/// <summary>latentmas bench: latent-step overhead, latent vs text agents, batching, alignment kernel, memory, bandwidth.</summary>
internal static class BenchCommand
{
    public static Command Create()
    {
        var quick = new Option<bool>("--quick") { Description = "Short runs on the Qwen2.5-0.5B shape (a few minutes on 2 cores)." };
        var json = new Option<bool>("--json") { Description = "Print the report as JSON on standard output (progress goes to standard error)." };
        var output = new Option<DirectoryInfo>("--out") { Description = "Where report.json, report.md and batching.png go.", DefaultValueFactory = _ => new DirectoryInfo(Path.Combine("docs", "benchmarks")) };
        var threads = new Option<int>("--threads", "-t") { Description = "Compute threads (0: all cores)." };
        var steps = new Option<int>("--latent-steps") { Description = "Latent steps per agent in the pipeline comparison (default 40; 10 with --quick)." };
        var tokens = new Option<int>("--text-tokens") { Description = "Tokens per TextMAS agent in the pipeline comparison (default 256; 32 with --quick)." };
        var command = new Command("bench", "Measure the engine against llama.cpp's own decode, OpenBLAS and the memory bandwidth, as ratios taken in one run.")
        {
            quick, json, output, threads, steps, tokens,
        };
        command.SetAction(parse => CommandRunner.Run(() =>
        {
            var isQuick = parse.GetValue(quick);
            var settings = new BenchSettings
            {
                Quick = isQuick,
                Threads = parse.GetValue(threads),
                LatentSteps = parse.GetValue(steps) is > 0 and var s ? s : isQuick ? 10 : 40,
                TextTokens = parse.GetValue(tokens) is > 0 and var t ? t : isQuick ? 32 : 256,
                ModelDirectory = CliPaths.Models,
                AlignmentCache = Path.Combine(CliPaths.Home, "alignment"),
            };
            var report = BenchRunner.Run(settings, line => Console.Error.WriteLine($"[bench] {line}"));
            var dir = parse.GetValue(output)!.FullName;
            BenchRunner.Write(report, dir);
            if (parse.GetValue(json))
            {
                Console.WriteLine(report.ToJson());
            }
            else
            {
                Console.WriteLine(report.ToMarkdown());
            }
            Console.Error.WriteLine($"[bench] wrote {dir}/report.json, report.md, batching.png in {report.WallSeconds:F0} s");
            return CommandRunner.Ok;
        }));
        return command;
    }
}
