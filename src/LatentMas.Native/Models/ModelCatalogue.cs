using System.Text.Json;

namespace LatentMas.Native.Models;

/// <summary>A real model a user can download.</summary>
/// <param name="Name">Catalogue name.</param>
/// <param name="File">File name in the download cache.</param>
/// <param name="Url">Where it is downloaded from.</param>
/// <param name="SizeBytes">Size in bytes when known.</param>
/// <param name="Sha256">SHA-256 of the file when known.</param>
/// <param name="ShapeRecipe">The recipe that generates a random model of the same shape.</param>
public sealed record CatalogueEntry(string Name, string File, string Url, long? SizeBytes, string? Sha256, string? ShapeRecipe);

/// <summary>The real models of models/catalogue.json (embedded in this assembly).</summary>
public static class ModelCatalogue
{
    private static readonly Lazy<IReadOnlyList<CatalogueEntry>> Entries = new(Load);

    /// <summary>All entries.</summary>
    public static IReadOnlyList<CatalogueEntry> All => Entries.Value;

    /// <summary>The entry named <paramref name="name"/>, or null.</summary>
    public static CatalogueEntry? Find(string name) =>
        All.FirstOrDefault(e => string.Equals(e.Name, name, StringComparison.OrdinalIgnoreCase));

    private static IReadOnlyList<CatalogueEntry> Load()
    {
        using var stream = typeof(ModelCatalogue).Assembly.GetManifestResourceStream("LatentMas.Native.catalogue.json")
            ?? throw new InvalidOperationException("catalogue.json is missing from the assembly.");
        using var doc = JsonDocument.Parse(stream);
        return doc.RootElement.GetProperty("models").Deserialize<List<CatalogueEntry>>(JsonOptions.Web) ?? [];
    }
}
