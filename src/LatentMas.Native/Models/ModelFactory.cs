using LatentMas.Native.Llama;

namespace LatentMas.Native.Models;

/// <summary>
/// Writes GGUF models with a real architecture and a real vocabulary (copied from llama.cpp's vocabulary
/// files) and deterministic random weights: real shapes give real timings and exact numerics, though the
/// text they generate is meaningless.
/// </summary>
public static class ModelFactory
{
    private const int ChunkFloats = 1 << 20;

    // Chat templates for vocabularies that carry none, in forms llama.cpp's template detection recognises.
    private const string Llama3Template =
        "{{- bos_token }}{%- for message in messages %}{{- '<|start_header_id|>' + message['role'] + '<|end_header_id|>\\n\\n' + message['content'] + '<|eot_id|>' }}{%- endfor %}{%- if add_generation_prompt %}{{- '<|start_header_id|>assistant<|end_header_id|>\\n\\n' }}{%- endif %}";
    private const string ChatMlTemplate =
        "{%- for message in messages %}{{- '<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>\\n' }}{%- endfor %}{%- if add_generation_prompt %}{{- '<|im_start|>assistant\\n' }}{%- endif %}";

    /// <summary>One tensor of a recipe: name, shape (ne order) and the spread of its values.</summary>
    /// <param name="Name">GGUF tensor name.</param>
    /// <param name="Shape">ne[0] (row width), ne[1] (rows).</param>
    /// <param name="StandardDeviation">Spread of the random values; 0 with <paramref name="Constant"/> for norms.</param>
    /// <param name="Constant">Value of every element when the tensor is not random (norm weights are 1).</param>
    public sealed record TensorPlan(string Name, long[] Shape, float StandardDeviation, float? Constant = null)
    {
        /// <summary>Number of elements.</summary>
        public long Elements => Shape.Aggregate(1L, (a, b) => a * b);
    }

    /// <summary>The tensors a recipe produces, in file order.</summary>
    public static IReadOnlyList<TensorPlan> Plan(ModelRecipe recipe, int vocabSize)
    {
        recipe.Validate();
        long d = recipe.Width, hd = recipe.HeadWidth, q = recipe.Heads * hd, kv = recipe.KvHeads * hd, ff = recipe.Ffn;
        var list = new List<TensorPlan>
        {
            new("token_embd.weight", [d, vocabSize], 0.02f),
            new("output_norm.weight", [d], 0, 1f),
        };
        if (!recipe.TiedOutput)
        {
            list.Add(new("output.weight", [d, vocabSize], 0.02f));
        }
        for (var i = 0; i < recipe.Layers; i++)
        {
            var p = $"blk.{i}.";
            list.Add(new(p + "attn_norm.weight", [d], 0, 1f));
            list.Add(new(p + "attn_q.weight", [d, q], 1f / MathF.Sqrt(d)));
            list.Add(new(p + "attn_k.weight", [d, kv], 1f / MathF.Sqrt(d)));
            list.Add(new(p + "attn_v.weight", [d, kv], 1f / MathF.Sqrt(d)));
            if (recipe.Architecture == "qwen2")
            {
                list.Add(new(p + "attn_q.bias", [q], 0.02f));
                list.Add(new(p + "attn_k.bias", [kv], 0.02f));
                list.Add(new(p + "attn_v.bias", [kv], 0.02f));
            }
            list.Add(new(p + "attn_output.weight", [q, d], 1f / MathF.Sqrt(q)));
            list.Add(new(p + "ffn_norm.weight", [d], 0, 1f));
            list.Add(new(p + "ffn_gate.weight", [d, ff], 1f / MathF.Sqrt(d)));
            list.Add(new(p + "ffn_up.weight", [d, ff], 1f / MathF.Sqrt(d)));
            list.Add(new(p + "ffn_down.weight", [ff, d], 1f / MathF.Sqrt(ff)));
        }
        return list;
    }

    /// <summary>Writes the model of <paramref name="recipe"/> to <paramref name="outputPath"/>.</summary>
    /// <param name="recipe">Architecture and shape.</param>
    /// <param name="outputPath">Destination .gguf (replaced when it exists).</param>
    /// <param name="vocabularyDirectory">Where ggml-vocab-*.gguf are (null: <see cref="VocabularyLocator"/>'s defaults).</param>
    /// <param name="progress">Receives the fraction of elements written.</param>
    /// <param name="cancellationToken">Stops between chunks; the partial file is deleted.</param>
    public static void Create(ModelRecipe recipe, string outputPath, string? vocabularyDirectory = null,
                              IProgress<double>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(recipe);
        ArgumentException.ThrowIfNullOrWhiteSpace(outputPath);
        recipe.Validate();
        var vocabPath = VocabularyLocator.Find(recipe.Vocabulary, vocabularyDirectory);
        int vocabSize;
        using (var vocab = GgufFile.Open(vocabPath))
        {
            var tokens = vocab.GetMetadata("tokenizer.ggml.tokens") ?? throw new InvalidModelFileException(3, $"{vocabPath} has no tokenizer.ggml.tokens");
            vocabSize = int.Parse(tokens.Trim('[', ']').Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);
        }
        var plan = Plan(recipe, vocabSize);
        var full = Path.GetFullPath(outputPath);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        var temp = full + ".partial";

        using (var writer = new GgufWriter())
        {
            writer.CopyMetadata(vocabPath, "tokenizer.");
            var a = recipe.Architecture;
            writer.Set("general.architecture", a);
            writer.Set("general.name", $"{recipe.Name} (random weights)");
            writer.Set("general.file_type", recipe.WeightType == "F16" ? 1u : 0u);
            writer.Set($"{a}.context_length", (uint)recipe.ContextLength);
            writer.Set($"{a}.embedding_length", (uint)recipe.Width);
            writer.Set($"{a}.block_count", (uint)recipe.Layers);
            writer.Set($"{a}.feed_forward_length", (uint)recipe.Ffn);
            writer.Set($"{a}.attention.head_count", (uint)recipe.Heads);
            writer.Set($"{a}.attention.head_count_kv", (uint)recipe.KvHeads);
            writer.Set($"{a}.attention.layer_norm_rms_epsilon", 1e-6f);
            writer.Set($"{a}.rope.freq_base", a == "llama" ? 500000f : 1000000f);
            writer.Set($"{a}.rope.dimension_count", (uint)recipe.HeadWidth);  // llama needs it ("invalid n_rot" otherwise)
            if (a == "llama")
            {
                writer.Set($"{a}.vocab_size", (uint)vocabSize);
            }
            using (var vocab = GgufFile.Open(vocabPath))
            {
                if (vocab.GetMetadata("tokenizer.chat_template") is null)
                {
                    writer.Set("tokenizer.chat_template", recipe.Vocabulary == "llama-bpe" ? Llama3Template : ChatMlTemplate);
                }
            }
            var weightType = recipe.WeightType == "F16" ? GgmlType.F16 : GgmlType.F32;
            foreach (var t in plan)
            {
                // 1-D tensors (norms, biases) stay F32, as llama.cpp's converters write them.
                writer.AddTensor(t.Name, t.Shape.Length == 1 ? GgmlType.F32 : weightType, t.Shape);
            }
            writer.BeginData(temp);
            var total = plan.Sum(t => t.Elements);
            long done = 0;
            var buffer = new float[ChunkFloats];
            foreach (var t in plan)
            {
                var generator = new WeightGenerator(recipe.Seed, t.Name, t.StandardDeviation);
                for (long offset = 0; offset < t.Elements; offset += ChunkFloats)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    var span = buffer.AsSpan(0, (int)Math.Min(ChunkFloats, t.Elements - offset));
                    if (t.Constant is { } c)
                    {
                        span.Fill(c);
                    }
                    else
                    {
                        generator.Fill(span);
                    }
                    writer.Append(span);
                    done += span.Length;
                    progress?.Report((double)done / total);
                }
            }
            writer.Finish();
        }
        File.Move(temp, full, overwrite: true);
    }
}
