using System.Diagnostics;
using LatentMas.Native.Alignment;
using LatentMas.Native.Llama;
using LatentMas.Native.Models;

namespace LatentMas.Native.Bench;

/// <summary>Runs every measurement of <c>latentmas bench</c> and assembles the report.</summary>
public static class BenchRunner
{
    /// <summary>Runs the bench; <paramref name="log"/> receives one line per stage.</summary>
    public static BenchReport Run(BenchSettings settings, Action<string> log)
    {
        var wall = Stopwatch.StartNew();
        var threads = settings.Threads > 0 ? settings.Threads : Environment.ProcessorCount;
        log("measuring memory bandwidth");
        var bandwidth = MachineInfo.ReadBandwidthGBs();
        GC.Collect();

        var models = new List<Dictionary<string, object>>();
        var pipeline = new List<Dictionary<string, object>>();
        var pipelineRatios = new Dictionary<string, object>();
        var batching = new List<Dictionary<string, object>>();
        foreach (var recipeName in settings.Recipes)
        {
            var recipe = RecipeCatalogue.Get(recipeName);
            var f16 = EnsureModel(recipe, settings.ModelDirectory, log);
            foreach (var quant in settings.Quantizations)
            {
                var path = quant == "F16" ? f16 : EnsureQuantized(f16, quant, log);
                log($"{recipe.Name} {quant}: latent-step overhead");
                var rssBefore = MachineInfo.ResidentBytes();
                using var model = LlamaModel.Load(path);
                RidgeAlignment identity, ridge;
                double alignSeconds;
                using (var file = GgufFile.Open(path))
                {
                    identity = RidgeAlignment.Identity(file);
                    var alignClock = Stopwatch.StartNew();
                    RidgeAlignment.Compute(file, 1e-5);  // timed without the cache
                    alignSeconds = alignClock.Elapsed.TotalSeconds;
                }
                ridge = RidgeAlignment.LoadOrCompute(path, 1e-5, settings.AlignmentCache);
                var loadClock = Stopwatch.StartNew();
                RidgeAlignment.LoadOrCompute(path, 1e-5, settings.AlignmentCache);
                var cachedLoadSeconds = loadClock.Elapsed.TotalSeconds;

                var o = DecodeBench.MeasureOverhead(model, identity, ridge, settings.PromptLength, settings.StepsPerRound, settings.Rounds, threads);
                var rssAfter = MachineInfo.ResidentBytes();
                var fileBytes = new FileInfo(path).Length;
                long kvBytes;
                using (var probe = LlamaContext.Create(model, new ContextOptions { ContextSize = settings.PromptLength + settings.StepsPerRound + 64, Threads = threads }))
                {
                    kvBytes = probe.KvCacheBytes;
                }
                var ceiling = bandwidth * 1e9 / model.Info.SizeBytes;
                models.Add(new Dictionary<string, object>
                {
                    ["model"] = recipe.Name,
                    ["type"] = quant,
                    ["file_mb"] = fileBytes / 1e6,
                    ["token_decode_per_s"] = o.TokenDecodesPerSecond,
                    ["latent_steps_per_s"] = o.LatentStepsPerSecond,
                    ["latent_vs_decode"] = o.Ratio,
                    ["latent_realigned_per_s"] = o.RealignedStepsPerSecond,
                    ["realigned_vs_decode"] = o.RealignedRatio,
                    ["step_cost_vs_token"] = o.PerStepCostRatio,
                    ["ceiling_steps_per_s"] = ceiling,
                    ["latent_vs_ceiling"] = o.LatentStepsPerSecond / ceiling,
                    ["rss_growth_mb"] = (rssAfter - rssBefore) / 1e6,
                    ["kv_mb"] = kvBytes / 1e6,
                    ["rss_vs_file_plus_kv"] = (double)(rssAfter - rssBefore) / (fileBytes + kvBytes),
                    ["realign_compute_s"] = alignSeconds,
                    ["realign_cached_load_s"] = cachedLoadSeconds,
                });

                if (quant == settings.Quantizations[^1] && recipe.Name == settings.Recipes[0])
                {
                    log($"{recipe.Name} {quant}: batching");
                    foreach (var p in DecodeBench.MeasureBatching(model, identity, [1, 2, 4, 8], 64, settings.StepsPerRound, threads))
                    {
                        batching.Add(new Dictionary<string, object> { ["batch"] = p.Batch, ["steps_per_s"] = p.AggregateStepsPerSecond });
                    }
                    log($"{recipe.Name} {quant}: latent_mas vs text_mas vs baseline");
                    var runs = PipelineBench.Run(model, identity, settings.Questions, settings.LatentSteps, settings.TextTokens, threads);
                    foreach (var r in runs)
                    {
                        pipeline.Add(new Dictionary<string, object>
                        {
                            ["method"] = r.Method, ["model"] = $"{recipe.Name} {quant}", ["wall_s"] = r.WallSeconds,
                            ["prompt_tokens"] = r.PromptTokens, ["generated_tokens"] = r.GeneratedTokens, ["latent_steps"] = r.LatentSteps,
                        });
                    }
                    var latent = runs.Single(r => r.Method == "latent_mas");
                    var text = runs.Single(r => r.Method == "text_mas");
                    pipelineRatios["text_mas_over_latent_mas_wall"] = text.WallSeconds / latent.WallSeconds;
                    pipelineRatios["latent_mas_output_tokens_saved"] = 1 - (double)latent.GeneratedTokens / text.GeneratedTokens;
                    pipelineRatios["latent_steps_per_agent"] = settings.LatentSteps;
                    pipelineRatios["text_tokens_per_agent"] = settings.TextTokens;
                    pipelineRatios["step_cost_vs_token"] = o.PerStepCostRatio;
                }
            }
        }

        var alignment = new List<Dictionary<string, object>>();
        foreach (var (shape, width) in new[] { ("qwen2.5-0.5b", 896), ("qwen2.5-1.5b", 1536) })
        {
            log($"alignment kernel, {shape} shape ({settings.AlignmentRows} rows)");
            var r = AlignmentBench.Run(shape, settings.AlignmentRows, width, settings.Quick ? 2 : 3);
            alignment.Add(new Dictionary<string, object>
            {
                ["shape"] = shape, ["rows"] = r.Rows, ["width"] = r.Width, ["ours_gflops"] = r.OursGflops,
                ["openblas_gflops"] = r.OpenBlasGflops ?? double.NaN, ["ours_vs_openblas"] = r.Ratio ?? double.NaN,
                ["cross_gflops"] = r.CrossGflops, ["cross_vs_openblas"] = r.CrossRatio ?? double.NaN,
                ["solve_s"] = r.SolveSeconds, ["max_rel_diff"] = r.MaxRelativeDifference,
            });
            GC.Collect();
        }

        if (batching.Count > 1)
        {
            var first = (double)batching[0]["steps_per_s"];
            var last = (double)batching[^1]["steps_per_s"];
            pipelineRatios[$"batching_scaling_b{batching[^1]["batch"]}_vs_b1"] = last / first;
        }
        var latentRatios = models.Select(m => (double)m["latent_vs_decode"]).ToList();
        var alignRatios = alignment.Select(a => (double)a["cross_vs_openblas"]).Where(v => !double.IsNaN(v)).ToList();
        var targets = new Dictionary<string, object>
        {
            ["latent_vs_decode_min (target >= 0.95)"] = latentRatios.Min(),
            ["latent_vs_decode_met"] = latentRatios.Min() >= 0.95,
            ["alignment_vs_openblas_min (target >= 0.8)"] = alignRatios.Count > 0 ? alignRatios.Min() : double.NaN,
            ["alignment_met"] = alignRatios.Count > 0 ? alignRatios.Min() >= 0.8 : "OpenBLAS not installed (apt-get install libopenblas0-pthread)",
        };
        return new BenchReport
        {
            Machine = new Dictionary<string, string>
            {
                ["cpu"] = MachineInfo.CpuModel(),
                ["cores"] = $"{Environment.ProcessorCount}",
                ["vector"] = MachineInfo.VectorSupport(),
                ["devices"] = string.Join(", ", NativeRuntime.Devices()),
                ["threads"] = $"{threads}",
                ["date"] = DateTime.UtcNow.ToString("yyyy-MM-dd HH:mm 'UTC'", System.Globalization.CultureInfo.InvariantCulture),
                ["openblas"] = OpenBlas.Available ? "yes" : "no",
            },
            Mode = settings.Quick ? "quick" : "full",
            BandwidthGBs = bandwidth,
            Models = models,
            Pipeline = pipeline,
            PipelineRatios = pipelineRatios,
            Batching = batching,
            Alignment = alignment,
            Targets = targets,
            WallSeconds = wall.Elapsed.TotalSeconds,
        };
    }

    /// <summary>Writes report.json, report.md and batching.png into <paramref name="directory"/>.</summary>
    public static void Write(BenchReport report, string directory)
    {
        Directory.CreateDirectory(directory);
        File.WriteAllText(Path.Combine(directory, "report.json"), report.ToJson());
        File.WriteAllText(Path.Combine(directory, "report.md"), report.ToMarkdown());
        if (report.Batching.Count > 0)
        {
            var plot = new ScottPlot.Plot();
            var xs = report.Batching.Select(b => Convert.ToDouble(b["batch"], System.Globalization.CultureInfo.InvariantCulture)).ToArray();
            var ys = report.Batching.Select(b => Convert.ToDouble(b["steps_per_s"], System.Globalization.CultureInfo.InvariantCulture)).ToArray();
            var line = plot.Add.Scatter(xs, ys);
            line.LegendText = "measured";
            var ideal = plot.Add.Scatter(xs, xs.Select(x => ys[0] * x).ToArray());
            ideal.LegendText = "linear scaling";
            ideal.LinePattern = ScottPlot.LinePattern.Dashed;
            plot.Title("Latent steps per second by batch size");
            plot.XLabel("questions stepped together (B)");
            plot.YLabel("aggregate latent steps / s");
            plot.ShowLegend();
            plot.SavePng(Path.Combine(directory, "batching.png"), 700, 450);
        }
    }

    private static string EnsureModel(ModelRecipe recipe, string directory, Action<string> log)
    {
        var path = Path.Combine(directory, $"{recipe.Name}.gguf");
        if (!File.Exists(path))
        {
            log($"generating {recipe.Name} ({recipe.WeightType})");
            ModelFactory.Create(recipe, path);
        }
        return path;
    }

    private static string EnsureQuantized(string source, string quant, Action<string> log)
    {
        var path = Path.ChangeExtension(source, null) + $"-{quant}.gguf";
        if (!File.Exists(path))
        {
            log($"quantizing to {quant}");
            ModelQuantizer.Quantize(source, path, Enum.Parse<QuantizationType>(quant));
        }
        return path;
    }
}
