namespace LatentMas.Native.Tasks;

/// <summary>Where a benchmark's data lives on the Hugging Face hub.</summary>
/// <param name="DatasetId">Dataset repository id, e.g. <c>openai/gsm8k</c>.</param>
/// <param name="Config">Configuration (subset) name; <c>default</c> for datasets with only one.</param>
/// <param name="Split">Split to evaluate on.</param>
public sealed record DataSource(string DatasetId, string Config, string Split)
{
    /// <summary>One-line description, e.g. <c>openai/gsm8k (main, test)</c>.</summary>
    public override string ToString() => $"{DatasetId} ({Config}, {Split})";
}
