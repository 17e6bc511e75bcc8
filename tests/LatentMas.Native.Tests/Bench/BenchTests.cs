using System.Text.Json;
using LatentMas.Native.Alignment;
using LatentMas.Native.Bench;
using LatentMas.Native.Llama;

namespace LatentMas.Native.Tests.Bench;

/// <summary>The bench's measurements and report on tiny inputs (figures are not judged: these machines are noisy).</summary>
[TestFixture]
public sealed class BenchTests
{
    [Test]
    public void AlignmentBenchComputesRatesAndAgreesWithOpenBlasWhenPresent()
    {
        var r = AlignmentBench.Run("tiny", 512, 64, repeats: 1, chunkRows: 200);
        Assert.That(r.OursGflops, Is.GreaterThan(0));
        Assert.That(r.CrossGflops, Is.GreaterThan(0));
        if (OpenBlas.Available)
        {
            Assert.That(r.Ratio, Is.EqualTo(r.OursGflops / r.OpenBlasGflops!.Value).Within(1e-9));
            Assert.That(r.MaxRelativeDifference, Is.LessThan(1e-5), "same product as sgemm");
        }
        else
        {
            Assert.That(r.Ratio, Is.Null);
        }
    }

    [Test]
    public void DecodeOverheadAndBatchingAreMeasuredOnTheSameModel()
    {
        var path = GeneratedModels.Get("tiny-qwen2");
        using var model = LlamaModel.Load(path);
        using var file = GgufFile.Open(path);
        var identity = RidgeAlignment.Identity(file);
        var o = DecodeBench.MeasureOverhead(model, identity, identity, promptLength: 16, stepsPerRound: 4, rounds: 2, threads: 2);
        Assert.That(o.TokenDecodesPerSecond, Is.GreaterThan(0));
        Assert.That(o.Ratio, Is.EqualTo(o.LatentStepsPerSecond / o.TokenDecodesPerSecond).Within(1e-12));
        Assert.That(o.ContextLength, Is.EqualTo(16));
        var points = DecodeBench.MeasureBatching(model, identity, [1, 2], promptLength: 8, steps: 3, threads: 2);
        Assert.That(points.Select(p => p.Batch), Is.EqualTo(new[] { 1, 2 }));
        Assert.That(points.All(p => p.AggregateStepsPerSecond > 0), Is.True);
    }

    [Test]
    public void ReportIsWrittenAsJsonMarkdownAndChart()
    {
        var report = new BenchReport
        {
            Machine = new Dictionary<string, string> { ["cpu"] = "test", ["cores"] = "2", ["vector"] = "AVX2", ["devices"] = "CPU", ["date"] = "today" },
            Mode = "quick",
            BandwidthGBs = 10,
            Models = [new() { ["model"] = "m", ["latent_vs_decode"] = 0.99 }],
            Pipeline = [],
            PipelineRatios = new() { ["text_mas_over_latent_mas_wall"] = 2.0 },
            Batching = [new() { ["batch"] = 1, ["steps_per_s"] = 10.0 }, new() { ["batch"] = 2, ["steps_per_s"] = 18.0 }],
            Alignment = [],
            Targets = new() { ["latent_vs_decode_met"] = true },
            WallSeconds = 1,
        };
        var dir = Path.Combine(GeneratedModels.Directory, "bench-report");
        BenchRunner.Write(report, dir);
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "report.json")));
        Assert.That(json.RootElement.GetProperty("models")[0].GetProperty("latent_vs_decode").GetDouble(), Is.EqualTo(0.99));
        var markdown = File.ReadAllText(Path.Combine(dir, "report.md"));
        Assert.That(markdown, Does.Contain("| m | 0.99 |"));
        Assert.That(markdown, Does.Contain("text_mas_over_latent_mas_wall = 2"));
        var png = File.ReadAllBytes(Path.Combine(dir, "batching.png"));
        Assert.That(png.AsSpan(1, 3).ToArray(), Is.EqualTo("PNG"u8.ToArray()));
    }

    [Test]
    public void BandwidthIsMeasured()
    {
        Assert.That(MachineInfo.ReadBandwidthGBs(64L << 20), Is.GreaterThan(0.1));
    }
}
