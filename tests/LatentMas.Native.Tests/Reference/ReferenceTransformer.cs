using LatentMas.Native.Llama;

namespace LatentMas.Native.Tests.Reference;

/// <summary>
/// An independent float64 forward pass of llama.cpp's qwen2 and llama graphs for F32 GGUF files, for tests
/// only: embedding lookup, RMSNorm, RoPE (NEOX pairs for qwen2, adjacent pairs for llama), grouped-query
/// attention over a KV cache, SwiGLU feed-forward, output norm and a tied or separate output matrix.
/// One sequence, positions 0, 1, 2, ...
/// </summary>
internal sealed class ReferenceTransformer
{
    private readonly int _d, _layers, _heads, _kvHeads, _headDim, _ffn, _vocab;
    private readonly double _eps, _ropeBase;
    private readonly bool _neox;
    private readonly double[] _tokenEmbd, _outputNorm, _output;
    private readonly Layer[] _blocks;
    private readonly List<double[]>[] _keys, _values;

    private sealed record Layer(double[] AttnNorm, double[] Q, double[]? Qb, double[] K, double[]? Kb, double[] V, double[]? Vb,
                                double[] O, double[] FfnNorm, double[] Gate, double[] Up, double[] Down);

    public ReferenceTransformer(string path)
    {
        using var file = GgufFile.Open(path);
        var arch = file.GetMetadata("general.architecture")!;
        int Meta(string key) => int.Parse(file.GetMetadata($"{arch}.{key}")!, System.Globalization.CultureInfo.InvariantCulture);
        _d = Meta("embedding_length");
        _layers = Meta("block_count");
        _heads = Meta("attention.head_count");
        _kvHeads = Meta("attention.head_count_kv");
        _ffn = Meta("feed_forward_length");
        _headDim = _d / _heads;
        _eps = double.Parse(file.GetMetadata($"{arch}.attention.layer_norm_rms_epsilon")!, System.Globalization.CultureInfo.InvariantCulture);
        _ropeBase = double.Parse(file.GetMetadata($"{arch}.rope.freq_base")!, System.Globalization.CultureInfo.InvariantCulture);
        _neox = arch == "qwen2";
        double[] Read(string name)
        {
            var info = file.GetTensorInfo(name);
            var data = new float[info.Rows * info.RowWidth];
            file.ReadRows(name, 0, (int)info.Rows, data);
            return data.Select(v => (double)v).ToArray();
        }
        double[]? TryRead(string name) => file.HasTensor(name) ? Read(name) : null;
        _tokenEmbd = Read("token_embd.weight");
        _vocab = _tokenEmbd.Length / _d;
        _outputNorm = Read("output_norm.weight");
        _output = TryRead("output.weight") ?? _tokenEmbd;
        _blocks = Enumerable.Range(0, _layers).Select(i =>
        {
            var p = $"blk.{i}.";
            return new Layer(Read(p + "attn_norm.weight"), Read(p + "attn_q.weight"), TryRead(p + "attn_q.bias"),
                Read(p + "attn_k.weight"), TryRead(p + "attn_k.bias"), Read(p + "attn_v.weight"), TryRead(p + "attn_v.bias"),
                Read(p + "attn_output.weight"), Read(p + "ffn_norm.weight"), Read(p + "ffn_gate.weight"), Read(p + "ffn_up.weight"),
                Read(p + "ffn_down.weight"));
        }).ToArray();
        _keys = Enumerable.Range(0, _layers).Select(_ => new List<double[]>()).ToArray();
        _values = Enumerable.Range(0, _layers).Select(_ => new List<double[]>()).ToArray();
    }

    public int Position => _keys[0].Count;

    /// <summary>Feeds a token; returns the final hidden state.</summary>
    public double[] Token(int token) => Step(_tokenEmbd.AsSpan(token * _d, _d).ToArray());

    /// <summary>Feeds an input embedding; returns the final hidden state.</summary>
    public double[] Embedding(ReadOnlySpan<float> embedding) => Step(embedding.ToArray().Select(v => (double)v).ToArray());

    /// <summary>Logits of a final hidden state.</summary>
    public double[] Logits(double[] hidden) => MatVec(_output, hidden, _vocab, null);

    private double[] Step(double[] x)
    {
        var pos = Position;
        for (var l = 0; l < _layers; l++)
        {
            var b = _blocks[l];
            var h = RmsNorm(x, b.AttnNorm);
            var q = MatVec(b.Q, h, _heads * _headDim, b.Qb);
            var k = MatVec(b.K, h, _kvHeads * _headDim, b.Kb);
            var v = MatVec(b.V, h, _kvHeads * _headDim, b.Vb);
            Rope(q, _heads, pos);
            Rope(k, _kvHeads, pos);
            _keys[l].Add(k);
            _values[l].Add(v);
            var attn = new double[_heads * _headDim];
            var group = _heads / _kvHeads;
            for (var head = 0; head < _heads; head++)
            {
                var kvHead = head / group;
                var scores = new double[_keys[l].Count];
                for (var t = 0; t < scores.Length; t++)
                {
                    double s = 0;
                    for (var i = 0; i < _headDim; i++)
                    {
                        s += q[head * _headDim + i] * _keys[l][t][kvHead * _headDim + i];
                    }
                    scores[t] = s / Math.Sqrt(_headDim);
                }
                var max = scores.Max();
                var weights = scores.Select(s => Math.Exp(s - max)).ToArray();
                var sum = weights.Sum();
                for (var t = 0; t < weights.Length; t++)
                {
                    for (var i = 0; i < _headDim; i++)
                    {
                        attn[head * _headDim + i] += weights[t] / sum * _values[l][t][kvHead * _headDim + i];
                    }
                }
            }
            var o = MatVec(b.O, attn, _d, null);
            for (var i = 0; i < _d; i++)
            {
                x[i] += o[i];
            }
            var h2 = RmsNorm(x, b.FfnNorm);
            var gate = MatVec(b.Gate, h2, _ffn, null);
            var up = MatVec(b.Up, h2, _ffn, null);
            var act = gate.Select((g, i) => g / (1 + Math.Exp(-g)) * up[i]).ToArray();
            var down = MatVec(b.Down, act, _d, null);
            for (var i = 0; i < _d; i++)
            {
                x[i] += down[i];
            }
        }
        return RmsNorm(x, _outputNorm);
    }

    private double[] RmsNorm(double[] x, double[] weight)
    {
        var ms = x.Sum(v => v * v) / x.Length;
        var scale = 1 / Math.Sqrt(ms + _eps);
        return x.Select((v, i) => v * scale * weight[i]).ToArray();
    }

    // out[j] = Σ_i W[j, i] x[i]: a GGUF matrix of ne = [in, out] is `out` rows of `in` values.
    private static double[] MatVec(double[] w, double[] x, int rows, double[]? bias)
    {
        var n = x.Length;
        var result = new double[rows];
        for (var j = 0; j < rows; j++)
        {
            double s = bias?[j] ?? 0;
            var offset = j * n;
            for (var i = 0; i < n; i++)
            {
                s += w[offset + i] * x[i];
            }
            result[j] = s;
        }
        return result;
    }

    private void Rope(double[] v, int heads, int pos)
    {
        var half = _headDim / 2;
        for (var head = 0; head < heads; head++)
        {
            var o = head * _headDim;
            for (var i = 0; i < half; i++)
            {
                var theta = pos * Math.Pow(_ropeBase, -2.0 * i / _headDim);
                var (sin, cos) = Math.SinCos(theta);
                // NEOX rotates dimension i with i + half; the original layout rotates 2i with 2i + 1.
                var a = _neox ? o + i : o + 2 * i;
                var b = _neox ? o + i + half : o + 2 * i + 1;
                var x0 = v[a];
                var x1 = v[b];
                v[a] = x0 * cos - x1 * sin;
                v[b] = x0 * sin + x1 * cos;
            }
        }
    }
}
