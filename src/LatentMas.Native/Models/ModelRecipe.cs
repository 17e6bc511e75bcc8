using System.Text.Json;
using System.Text.Json.Serialization;

namespace LatentMas.Native.Models;

/// <summary>How to generate a model: architecture, shape, vocabulary, tied or separate output.</summary>
public sealed record ModelRecipe
{
    /// <summary>Catalogue name, e.g. tiny-qwen2.</summary>
    public required string Name { get; init; }

    /// <summary>qwen2 or llama.</summary>
    public required string Architecture { get; init; }

    /// <summary>Vocabulary family: qwen2 or llama-bpe (llama.cpp's ggml-vocab-NAME.gguf).</summary>
    public required string Vocabulary { get; init; }

    /// <summary>Transformer blocks.</summary>
    public required int Layers { get; init; }

    /// <summary>Hidden width.</summary>
    public required int Width { get; init; }

    /// <summary>Attention heads.</summary>
    public required int Heads { get; init; }

    /// <summary>Key/value heads.</summary>
    public required int KvHeads { get; init; }

    /// <summary>Feed-forward width.</summary>
    public required int Ffn { get; init; }

    /// <summary>True: no output.weight, the token embeddings are reused.</summary>
    public bool TiedOutput { get; init; } = true;

    /// <summary>Training context length written to the metadata.</summary>
    public int ContextLength { get; init; } = 4096;

    /// <summary>F32 or F16.</summary>
    public string WeightType { get; init; } = "F32";

    /// <summary>One line for listings.</summary>
    public string Description { get; init; } = "";

    /// <summary>Seed of the weights.</summary>
    public ulong Seed { get; init; } = 1234;

    /// <summary>Width of one attention head.</summary>
    public int HeadWidth => Width / Heads;

    /// <summary>Checks that the shape is one llama.cpp can build.</summary>
    public void Validate()
    {
        if (Architecture is not ("qwen2" or "llama"))
        {
            throw new ArgumentException($"Recipe '{Name}': architecture '{Architecture}' is not supported (qwen2 or llama).");
        }
        if (Vocabulary is not ("qwen2" or "llama-bpe"))
        {
            throw new ArgumentException($"Recipe '{Name}': vocabulary '{Vocabulary}' is not supported (qwen2 or llama-bpe).");
        }
        if (Layers < 1 || Width < 8 || Heads < 1 || KvHeads < 1 || Ffn < 1 || Width % Heads != 0 || Heads % KvHeads != 0 || HeadWidth % 2 != 0)
        {
            throw new ArgumentException($"Recipe '{Name}': the shape is invalid (width must divide into an even head width, heads into kv heads).");
        }
        if (WeightType is not ("F32" or "F16"))
        {
            throw new ArgumentException($"Recipe '{Name}': weight type must be F32 or F16.");
        }
    }
}

/// <summary>The recipes of models/recipes.json (embedded in this assembly).</summary>
public static class RecipeCatalogue
{
    private static readonly Lazy<IReadOnlyList<ModelRecipe>> Recipes = new(Load);

    /// <summary>All recipes.</summary>
    public static IReadOnlyList<ModelRecipe> All => Recipes.Value;

    /// <summary>The recipe named <paramref name="name"/>.</summary>
    /// <exception cref="ArgumentException">No recipe has that name; the message lists them.</exception>
    public static ModelRecipe Get(string name) =>
        All.FirstOrDefault(r => string.Equals(r.Name, name, StringComparison.OrdinalIgnoreCase))
        ?? throw new ArgumentException($"No recipe named '{name}'. Known recipes: {string.Join(", ", All.Select(r => r.Name))}.");

    private static IReadOnlyList<ModelRecipe> Load()
    {
        using var stream = typeof(RecipeCatalogue).Assembly.GetManifestResourceStream("LatentMas.Native.recipes.json")
            ?? throw new InvalidOperationException("recipes.json is missing from the assembly.");
        var file = JsonSerializer.Deserialize<RecipeFile>(stream, JsonOptions.Web) ?? throw new InvalidOperationException("recipes.json is empty.");
        foreach (var r in file.Recipes)
        {
            r.Validate();
        }
        return file.Recipes;
    }

    private sealed record RecipeFile([property: JsonPropertyName("recipes")] List<ModelRecipe> Recipes);
}

internal static class JsonOptions
{
    public static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);
}
