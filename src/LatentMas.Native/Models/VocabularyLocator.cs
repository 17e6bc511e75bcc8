namespace LatentMas.Native.Models;

/// <summary>
/// Finds llama.cpp's vocabulary-only GGUF files (ggml-vocab-NAME.gguf). They come from the pinned release's
/// source bundle and are copied next to the program (vocab/) by the build.
/// </summary>
public static class VocabularyLocator
{
    /// <summary>Environment variable naming a directory of ggml-vocab-*.gguf files.</summary>
    public const string EnvironmentVariable = "LATENTMAS_VOCAB_DIR";

    /// <summary>Path of ggml-vocab-<paramref name="name"/>.gguf.</summary>
    /// <exception cref="FileNotFoundException">No candidate directory holds it; the message lists them.</exception>
    public static string Find(string name, string? directory = null)
    {
        var file = $"ggml-vocab-{name}.gguf";
        var candidates = new[]
        {
            directory,
            Environment.GetEnvironmentVariable(EnvironmentVariable),
            Path.Combine(AppContext.BaseDirectory, "vocab"),
            Path.Combine(Path.GetDirectoryName(typeof(VocabularyLocator).Assembly.Location) ?? ".", "vocab"),
        }.Where(d => !string.IsNullOrWhiteSpace(d)).Select(d => Path.Combine(d!, file)).Distinct().ToList();
        return candidates.FirstOrDefault(File.Exists) ?? throw new FileNotFoundException(
            $"Vocabulary {file} not found. Looked in: {string.Join(", ", candidates)}. Build the project (it copies the vocabularies) or set {EnvironmentVariable}.", file);
    }
}
