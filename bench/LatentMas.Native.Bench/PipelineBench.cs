using System.Diagnostics;
using LatentMas.Native.Alignment;
using LatentMas.Native.Llama;
using LatentMas.Native.Methods;

namespace LatentMas.Native.Bench;

/// <summary>The same 4-agent pipeline as latent_mas, text_mas and the baseline, on the same questions.</summary>
internal static class PipelineBench
{
    public sealed record MethodRun(string Method, double WallSeconds, long PromptTokens, long GeneratedTokens, long LatentSteps);

    public static readonly string[] Questions =
    [
        "Natalia sold clips to 48 of her friends in April, and then she sold half as many clips in May. How many clips did she sell altogether?",
        "Weng earns $12 an hour for babysitting. Yesterday she babysat for 50 minutes. How much did she earn?",
        "James writes a 3-page letter to 2 different friends twice a week. How many pages does he write a year?",
    ];

    public static List<MethodRun> Run(LlamaModel model, RidgeAlignment alignment, int questions, int latentSteps, int textTokens, int threads)
    {
        var inputs = Questions.Take(questions).Select((q, i) => new MethodInput(i, q, "Put the final number in \\boxed{}.")).ToList();
        var runs = new List<MethodRun>();
        var latentOptions = new MethodOptions { LatentSteps = latentSteps, MaxNewTokens = textTokens, Temperature = 0, Threads = threads, ContextSize = 4096 };
        var textOptions = latentOptions with { LatentSteps = 0 };
        IMethod[] methods =
        [
            new LatentMasMethod(model, alignment, latentOptions),
            new TextMasMethod(model, textOptions),
            new BaselineMethod(model, textOptions),
        ];
        foreach (var method in methods)
        {
            using (method)
            {
                var clock = Stopwatch.StartNew();
                var results = inputs.Select(i => method.Run([i])[0]).ToList();
                runs.Add(new MethodRun(method.Name, clock.Elapsed.TotalSeconds, results.Sum(r => (long)r.PromptTokens),
                    results.Sum(r => (long)r.GeneratedTokens), results.Sum(r => (long)r.LatentSteps)));
            }
        }
        return runs;
    }
}
