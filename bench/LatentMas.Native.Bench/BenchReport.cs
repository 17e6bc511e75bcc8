using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace LatentMas.Native.Bench;

/// <summary>Everything one bench run measured; ratios are computed from figures taken in the same run.</summary>
public sealed record BenchReport
{
    /// <summary>Machine and date.</summary>
    public required IReadOnlyDictionary<string, string> Machine { get; init; }
    /// <summary>Quick or full.</summary>
    public required string Mode { get; init; }
    /// <summary>Memory read bandwidth, GB/s.</summary>
    public required double BandwidthGBs { get; init; }
    /// <summary>Per model and quantization: decode, latent steps, memory, ceiling.</summary>
    public required List<Dictionary<string, object>> Models { get; init; }
    /// <summary>latent_mas vs text_mas vs baseline.</summary>
    public required List<Dictionary<string, object>> Pipeline { get; init; }
    /// <summary>Pipeline ratios.</summary>
    public required Dictionary<string, object> PipelineRatios { get; init; }
    /// <summary>Aggregate latent steps per second by batch size.</summary>
    public required List<Dictionary<string, object>> Batching { get; init; }
    /// <summary>Gram kernel vs OpenBLAS.</summary>
    public required List<Dictionary<string, object>> Alignment { get; init; }
    /// <summary>Targets and whether they were met.</summary>
    public required Dictionary<string, object> Targets { get; init; }
    /// <summary>Wall time of the bench.</summary>
    public required double WallSeconds { get; init; }

    internal static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    /// <summary>The report as JSON.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, Json);

    /// <summary>The report as Markdown tables.</summary>
    public string ToMarkdown()
    {
        var sb = new StringBuilder();
        sb.AppendLine($"# Benchmark ({Mode}) — {Machine["date"]}");
        sb.AppendLine();
        sb.AppendLine($"Machine: {Machine["cpu"]}, {Machine["cores"]} cores, {Machine["vector"]}, {Machine["devices"]}; memory read bandwidth {BandwidthGBs:F1} GB/s.");
        sb.AppendLine("Models are generated (real shapes and vocabularies, random weights). Every ratio compares figures measured in this one run.");
        sb.AppendLine();
        Table(sb, "Latent steps against llama.cpp's one-token decode", Models);
        Table(sb, "Latent agents against text agents (same 4-agent pipeline, same questions)", Pipeline);
        sb.AppendLine(string.Join("; ", PipelineRatios.Select(kv => $"{kv.Key} = {Format(kv.Value)}")));
        sb.AppendLine();
        Table(sb, "Batching (aggregate latent steps per second)", Batching);
        sb.AppendLine("![batching](batching.png)");
        sb.AppendLine();
        Table(sb, "Alignment kernel against OpenBLAS sgemm (same matrices)", Alignment);
        sb.AppendLine("## Targets");
        sb.AppendLine();
        foreach (var (k, v) in Targets)
        {
            sb.AppendLine($"- {k}: {Format(v)}");
        }
        return sb.ToString();
    }

    private static void Table(StringBuilder sb, string title, List<Dictionary<string, object>> rows)
    {
        sb.AppendLine($"## {title}");
        sb.AppendLine();
        if (rows.Count == 0)
        {
            sb.AppendLine("(not measured)");
            sb.AppendLine();
            return;
        }
        var keys = rows[0].Keys.ToList();
        sb.AppendLine("| " + string.Join(" | ", keys) + " |");
        sb.AppendLine("|" + string.Concat(keys.Select(_ => " --- |")));
        foreach (var row in rows)
        {
            sb.AppendLine("| " + string.Join(" | ", keys.Select(k => row.TryGetValue(k, out var v) ? Format(v) : "")) + " |");
        }
        sb.AppendLine();
    }

    private static string Format(object? value) => value switch
    {
        null => "n/a",
        double d when double.IsNaN(d) => "n/a",
        double d when d != 0 && Math.Abs(d) < 0.001 => d.ToString("0.0e0", CultureInfo.InvariantCulture),
        double d => Math.Abs(d) >= 100 ? d.ToString("F0", CultureInfo.InvariantCulture) : d.ToString("0.###", CultureInfo.InvariantCulture),
        _ => Convert.ToString(value, CultureInfo.InvariantCulture) ?? "",
    };
}
