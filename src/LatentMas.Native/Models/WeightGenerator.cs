namespace LatentMas.Native.Models;

/// <summary>
/// Deterministic pseudo-random weights: each tensor has its own stream (SplitMix64 seeded by the recipe seed
/// and the tensor's name), so a tensor's values do not depend on the order or the chunking of generation.
/// Values are uniform with the requested standard deviation.
/// </summary>
public sealed class WeightGenerator
{
    private ulong _state;
    private readonly float _halfRange;

    /// <summary>A stream for one tensor.</summary>
    public WeightGenerator(ulong seed, string tensorName, float standardDeviation)
    {
        _state = seed ^ Fnv1a(tensorName);
        _halfRange = standardDeviation * MathF.Sqrt(3f);  // uniform on [-a, a] has std a / sqrt(3)
    }

    /// <summary>Fills <paramref name="destination"/> with the next values of the stream.</summary>
    public void Fill(Span<float> destination)
    {
        for (var i = 0; i < destination.Length; i++)
        {
            var u = (Next() >> 40) * (1.0f / (1UL << 24));  // [0, 1) from the top 24 bits
            destination[i] = (2f * u - 1f) * _halfRange;
        }
    }

    private ulong Next()
    {
        var z = _state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    private static ulong Fnv1a(string s)
    {
        var h = 14695981039346656037UL;
        foreach (var c in s)
        {
            h = (h ^ c) * 1099511628211UL;
        }
        return h;
    }
}
