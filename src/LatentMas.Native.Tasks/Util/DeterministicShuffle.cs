using System.Text;

namespace LatentMas.Native.Tasks.Util;

/// <summary>
/// A shuffle that depends only on a seed and a key (e.g. the question text), never on the runtime: SplitMix64
/// seeded from FNV-1a of the key, then Fisher-Yates. The same seed gives the same order on every machine.
/// </summary>
public static class DeterministicShuffle
{
    /// <summary>A permutation of 0..n-1 for (<paramref name="seed"/>, <paramref name="key"/>).</summary>
    public static int[] Permutation(int n, int seed, string key)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(n);
        ArgumentNullException.ThrowIfNull(key);
        var order = Enumerable.Range(0, n).ToArray();
        var state = Fnv1a(key) ^ (0x9E3779B97F4A7C15UL * (ulong)(uint)seed + 1);
        for (var i = n - 1; i > 0; i--)
        {
            var j = (int)(Next(ref state) % (ulong)(i + 1));
            (order[i], order[j]) = (order[j], order[i]);
        }
        return order;
    }

    private static ulong Fnv1a(string key)
    {
        var hash = 0xcbf29ce484222325UL;
        foreach (var b in Encoding.UTF8.GetBytes(key))
        {
            hash ^= b;
            hash *= 0x100000001b3UL;
        }
        return hash;
    }

    private static ulong Next(ref ulong state)
    {
        var z = state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
