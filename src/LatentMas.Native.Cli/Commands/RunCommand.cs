using System.CommandLine;
using System.Security.Cryptography;
using LatentMas.Native.Agents;
using LatentMas.Native.Alignment;
using LatentMas.Native.Llama;
using LatentMas.Native.Methods;
using LatentMas.Native.Models;
using LatentMas.Native.Runs;
using Spectre.Console;

namespace LatentMas.Native.Cli.Commands;

/// <summary>
/// latentmas run: baseline, TextMAS or LatentMAS over a task, with one JSONL line per finished item, a
/// summary JSON, a progress bar, Ctrl+C that keeps every finished item, and --resume.
/// Accepts the reference implementation's underscore spellings (--latent_steps, --model_name, ...).
/// </summary>
internal static class RunCommand
{
    private static readonly Option<string> Method = new("--method") { Description = "baseline, text_mas or latent_mas.", DefaultValueFactory = _ => "latent_mas" };
    private static readonly Option<string> Model = new("--model", "-m", "--model_name", "--model-name") { Description = "A .gguf file, or a catalogue name (see 'latentmas model list') downloaded once into the cache.", Required = true };
    private static readonly Option<string> Task = new("--task") { Description = "Task name: gsm8k, aime2024, aime2025, gpqa, arc_easy, arc_challenge, winogrande, mbppplus, humanevalplus, medqa or custom (see 'latentmas tasks').", DefaultValueFactory = _ => "gsm8k" };
    private static readonly Option<FileInfo?> Data = new("--data") { Description = "Local dataset file in the benchmark's own layout (JSONL, JSON or Parquet); without it the dataset is downloaded once from the Hugging Face hub." };
    private static readonly Option<string?> Answer = new("--answer") { Description = "For --task custom: number, integer, choice or text." };
    private static readonly Option<PromptStyle> Prompt = new("--prompt") { Description = "Agent arrangement: sequential (planner, critic, refiner, judger) or hierarchical (math, science, code, summarizer).", DefaultValueFactory = _ => PromptStyle.Sequential };
    private static readonly Option<int> MaxSamples = new("--max-samples", "--max_samples") { Description = "Items to run (-1: all).", DefaultValueFactory = _ => -1 };
    private static readonly Option<int?> LatentSteps = new("--latent-steps", "--latent_steps") { Description = "Latent steps per non-final agent (default: the task's preset)." };
    private static readonly Option<bool?> Realign = new("--latent-space-realign", "--latent_space_realign") { Description = "Map hidden states to input space with the ridge matrix (default: the task's preset).", Arity = ArgumentArity.ZeroOrOne };
    private static readonly Option<double> Lambda = new("--lambda") { Description = "Ridge regularisation of the realignment.", DefaultValueFactory = _ => 1e-5 };
    private static readonly Option<int> MaxNewTokens = new("--max-new-tokens", "--max_new_tokens") { Description = "Tokens the answering agent (and each TextMAS agent) may write.", DefaultValueFactory = _ => 512 };
    private static readonly Option<float> Temperature = new("--temperature") { Description = "Sampling temperature; 0 is greedy.", DefaultValueFactory = _ => 0.6f };
    private static readonly Option<float> TopP = new("--top-p", "--top_p") { Description = "Nucleus sampling threshold.", DefaultValueFactory = _ => 0.95f };
    private static readonly Option<uint> Seed = new("--seed") { Description = "Base seed (item i samples with seed + i).", DefaultValueFactory = _ => 42u };
    private static readonly Option<int> GenerateBs = new("--generate-bs", "--generate_bs") { Description = "Questions decoded together, one sequence each.", DefaultValueFactory = _ => 1 };
    private static readonly Option<bool> Think = new("--think") { Description = "Append <think> after non-final agents' prompts (thinking models)." };
    private static readonly Option<bool> LatentOnly = new("--latent-only", "--latent_only") { Description = "After each agent keep only its latent positions in the cache." };
    private static readonly Option<bool> SequentialInfoOnly = new("--sequential-info-only", "--sequential_info_only") { Description = "After each agent keep only the positions it added." };
    private static readonly Option<int> GpuLayers = new("--gpu-layers", "--gpu_layers", "-ngl") { Description = "Layers offloaded to the GPU (-1: all)." };
    private static readonly Option<int> Threads = new("--threads", "-t") { Description = "Compute threads (0: all cores)." };
    private static readonly Option<int> CtxSize = new("--ctx-size", "--ctx_size", "-c") { Description = "Positions available to one question.", DefaultValueFactory = _ => 4096 };
    private static readonly Option<KvCacheType> KvCache = new("--kv-cache") { Description = "KV cache type: F16, F32 or Q8_0.", DefaultValueFactory = _ => KvCacheType.F16 };
    private static readonly Option<FlashAttention> Flash = new("--flash-attn") { Description = "Flash attention: Auto, On or Off.", DefaultValueFactory = _ => FlashAttention.Auto };
    private static readonly Option<int> TextContext = new("--text-context-tokens") { Description = "TextMAS: tokens of earlier agents' text a later agent sees.", DefaultValueFactory = _ => 2048 };
    private static readonly Option<DirectoryInfo?> Output = new("--output", "-o") { Description = "Directory for results.jsonl and summary.json (default: runs/<method>-<task>-<time>)." };
    private static readonly Option<bool> Resume = new("--resume") { Description = "Continue the run in --output, skipping finished items." };
    private static readonly Option<DirectoryInfo?> SaveLatents = new("--save-latents", "--save_latents") { Description = "Write each agent's prompt token ids and latent vectors as .npy files (with an index.json) here." };
    private static readonly Option<bool> Verbose = new("--verbose", "-v") { Description = "Show llama.cpp's log." };

    public static Command Create()
    {
        var command = new Command("run", "Run baseline, TextMAS or LatentMAS over a task and score the answers.");
        foreach (Option option in new Option[]
                 {
                     Method, Model, Task, Data, Answer, Prompt, MaxSamples, LatentSteps, Realign, Lambda, MaxNewTokens, Temperature, TopP, Seed,
                     GenerateBs, Think, LatentOnly, SequentialInfoOnly, GpuLayers, Threads, CtxSize, KvCache, Flash, TextContext,
                     Output, Resume, SaveLatents, Verbose,
                 })
        {
            command.Options.Add(option);
        }
        command.SetAction(parse => CommandRunner.Run(() => Execute(parse), verbose: parse.GetValue(Verbose)));
        return command;
    }

    private static int Execute(ParseResult parse)
    {
        var methodName = parse.GetValue(Method)!;
        if (methodName is not ("baseline" or "text_mas" or "latent_mas"))
        {
            throw new ArgumentException($"Unknown --method '{methodName}': use baseline, text_mas or latent_mas.");
        }
        var task = parse.GetValue(Task)!;
        var preset = TaskPresets.For(task);
        var options = new MethodOptions
        {
            Prompt = parse.GetValue(Prompt),
            LatentSteps = parse.GetValue(LatentSteps) ?? preset.LatentSteps,
            Realign = parse.GetValue(Realign) ?? (parse.GetResult(Realign) is not null || preset.Realign),
            Lambda = parse.GetValue(Lambda),
            MaxNewTokens = parse.GetValue(MaxNewTokens),
            Temperature = parse.GetValue(Temperature),
            TopP = parse.GetValue(TopP),
            Seed = parse.GetValue(Seed),
            GenerateBatch = parse.GetValue(GenerateBs),
            Think = parse.GetValue(Think),
            LatentOnly = parse.GetValue(LatentOnly),
            SequentialInfoOnly = parse.GetValue(SequentialInfoOnly),
            ContextSize = parse.GetValue(CtxSize),
            Threads = parse.GetValue(Threads),
            CacheType = parse.GetValue(KvCache),
            FlashAttention = parse.GetValue(Flash),
            TextContextTokens = parse.GetValue(TextContext),
            RecordLatents = parse.GetValue(SaveLatents) is not null,
        };
        options.Validate();

        // Everything that can be refused is checked before the model is loaded.
        var (items, scorer) = TaskSources.Load(task, parse.GetValue(Data)?.FullName, parse.GetValue(MaxSamples), options.Seed, parse.GetValue(Answer));
        var output = parse.GetValue(Output)?.FullName
                     ?? Path.Combine("runs", $"{methodName}-{task}-{DateTime.Now:yyyyMMdd-HHmmss}");
        if (parse.GetValue(Resume) && parse.GetValue(Output) is null)
        {
            throw new ArgumentException("--resume needs the --output directory of the run to continue.");
        }

        var modelPath = ResolveModel(parse.GetValue(Model)!);
        using var model = LlamaModel.Load(modelPath, new ModelLoadOptions { GpuLayers = parse.GetValue(GpuLayers) });
        var alignment = methodName == "latent_mas" ? PrepareAlignment(modelPath, options) : null;
        using IMethod method = methodName switch
        {
            "baseline" => new BaselineMethod(model, options),
            "text_mas" => new TextMasMethod(model, options),
            _ => new LatentMasMethod(model, alignment!, options),
        };

        var settings = Settings(options, methodName, task, parse, preset, alignment);
        var runner = new BenchmarkRunner(method, scorer, output)
        {
            LatentsDirectory = parse.GetValue(SaveLatents)?.FullName,
            ModelInfo = ModelIdentity(model, modelPath),
            Settings = settings,
        };

        using var cancel = new CancellationTokenSource();
        ConsoleCancelEventHandler onCancel = (_, e) =>
        {
            if (!cancel.IsCancellationRequested)
            {
                e.Cancel = true;  // first Ctrl+C: stop after the current step; a second one ends the process
                cancel.Cancel();
                AnsiConsole.MarkupLine("[yellow]stopping after the current step (Ctrl+C again to abort)...[/]");
            }
        };
        Console.CancelKeyPress += onCancel;
        RunSummary summary;
        try
        {
            AnsiConsole.MarkupLine($"[bold]{methodName}[/] on [bold]{Markup.Escape(task)}[/] ({items.Count} items) with {Markup.Escape(model.Info.Description)}; output in {Markup.Escape(output)}");
            summary = RunWithProgress(runner, items, parse.GetValue(Resume), cancel.Token);
        }
        finally
        {
            Console.CancelKeyPress -= onCancel;
        }
        PrintSummary(summary, output);
        if (summary.Interrupted)
        {
            AnsiConsole.MarkupLine($"[yellow]stopped with {summary.Done} of {summary.Items} items finished; continue with --resume --output {Markup.Escape(output)}[/]");
            return CommandRunner.Cancelled;
        }
        return CommandRunner.Ok;
    }

    private static string ResolveModel(string model)
    {
        if (File.Exists(model) || ModelCatalogue.Find(model) is null)
        {
            return ModelResolver.Resolve(model, CliPaths.Models);
        }
        string path = "";
        AnsiConsole.Progress().Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new DownloadedColumn(), new TransferSpeedColumn())
            .Start(ctx =>
            {
                var bar = ctx.AddTask($"downloading {model}", maxValue: 1);
                path = ModelResolver.Resolve(model, CliPaths.Models, new Progress<DownloadProgress>(p =>
                {
                    if (p.Total is { } total)
                    {
                        bar.MaxValue = total;
                    }
                    bar.Value = p.Received;
                }));
            });
        return path;
    }

    private static RidgeAlignment PrepareAlignment(string modelPath, MethodOptions options)
    {
        if (!options.Realign)
        {
            using var file = GgufFile.Open(modelPath);
            return RidgeAlignment.Identity(file);
        }
        RidgeAlignment? alignment = null;
        AnsiConsole.Progress().Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
            .Start(ctx =>
            {
                var bar = ctx.AddTask("realignment matrix", maxValue: 1);
                alignment = RidgeAlignment.LoadOrCompute(modelPath, options.Lambda, Path.Combine(CliPaths.Home, "alignment"),
                    new Progress<double>(f => bar.Value = f));
                bar.Value = 1;
            });
        AnsiConsole.MarkupLine($"realignment matrix ready in {alignment!.ComputeTime.TotalSeconds:F2} s (lambda {options.Lambda:G3}, target norm {alignment.TargetNorm:F4})");
        return alignment;
    }

    private static RunSummary RunWithProgress(BenchmarkRunner runner, IReadOnlyList<RunItem> items, bool resume, CancellationToken cancellationToken)
    {
        RunSummary? summary = null;
        AnsiConsole.Progress().AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn())
            .Start(ctx =>
            {
                var bar = ctx.AddTask("items", maxValue: Math.Max(1, items.Count));
                summary = runner.Run(items, resume, new Progress<RunProgress>(p =>
                {
                    bar.Value = p.Done;
                    bar.Description = $"items {p.Done}/{p.Total}  acc {(p.Done == 0 ? 0 : 100.0 * p.Correct / p.Done):F1}%  {p.TokensPerSecond:F1} tok/s  {p.LatentStepsPerSecond:F1} steps/s";
                }), cancellationToken);
            });
        return summary!;
    }

    private static void PrintSummary(RunSummary s, string output)
    {
        var table = new Table().Title("summary").AddColumns("", "");
        table.AddRow("method / task", $"{s.Method} / {Markup.Escape(s.Task)}");
        table.AddRow("accuracy", $"{100 * s.Accuracy:F1}% ({s.Correct} of {s.Done})");
        table.AddRow("collapsed outputs", $"{100 * s.CollapseRate:F1}%");
        table.AddRow("prompt / generated tokens", $"{s.PromptTokens:N0} / {s.GeneratedTokens:N0}");
        table.AddRow("latent steps", $"{s.LatentSteps:N0}");
        table.AddRow("wall time", $"{s.WallSeconds:F1} s ({s.TokensPerSecond:F1} tok/s, {s.LatentStepsPerSecond:F1} steps/s)");
        table.AddRow("peak memory / KV cache", $"{s.PeakMemoryBytes / 1e6:F0} MB / {s.KvCacheBytes / 1e6:F1} MB");
        table.AddRow("results", Markup.Escape(Path.Combine(output, BenchmarkRunner.ResultsFile)));
        AnsiConsole.Write(table);
    }

    private static Dictionary<string, string> ModelIdentity(LlamaModel model, string path)
    {
        using var stream = File.OpenRead(path);
        return new Dictionary<string, string>
        {
            ["path"] = path,
            ["sha256"] = Convert.ToHexStringLower(SHA256.HashData(stream)),
            ["architecture"] = model.Info.Architecture,
            ["description"] = model.Info.Description,
            ["layers"] = $"{model.Info.Layers}",
            ["width"] = $"{model.Info.EmbeddingSize}",
            ["tied_output"] = $"{model.Info.TiedOutput}",
        };
    }

    private static Dictionary<string, string> Settings(MethodOptions o, string method, string task, ParseResult parse, TaskPreset preset, RidgeAlignment? alignment)
    {
        var fromFlag = (Option option) => parse.GetResult(option) is { Implicit: false } ? "flag" : "preset";
        return new Dictionary<string, string>
        {
            ["method"] = method,
            ["task"] = task,
            ["data"] = parse.GetValue(Data)?.FullName ?? "(download)",
            ["prompts_version"] = PromptBook.Version,
            ["prompt"] = o.Prompt.ToString().ToLowerInvariant(),
            ["latent_steps"] = $"{o.LatentSteps} ({fromFlag(LatentSteps)})",
            ["latent_space_realign"] = $"{o.Realign} ({fromFlag(Realign)})",
            ["lambda"] = o.Lambda.ToString("R", System.Globalization.CultureInfo.InvariantCulture),
            ["target_norm"] = alignment is null ? "" : alignment.TargetNorm.ToString("R", System.Globalization.CultureInfo.InvariantCulture),
            ["max_new_tokens"] = $"{o.MaxNewTokens}",
            ["temperature"] = $"{o.Temperature}",
            ["top_p"] = $"{o.TopP}",
            ["seed"] = $"{o.Seed}",
            ["generate_bs"] = $"{o.GenerateBatch}",
            ["think"] = $"{o.Think}",
            ["latent_only"] = $"{o.LatentOnly}",
            ["sequential_info_only"] = $"{o.SequentialInfoOnly}",
            ["ctx_size"] = $"{o.ContextSize}",
            ["kv_cache"] = $"{o.CacheType}",
            ["flash_attn"] = $"{o.FlashAttention}",
            ["text_context_tokens"] = $"{o.TextContextTokens}",
            ["preset"] = $"{preset.Task}: {preset.LatentSteps} steps, realign {preset.Realign}",
        };
    }
}
