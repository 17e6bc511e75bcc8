using LatentMas.Native.Llama;

namespace LatentMas.Native.Tests.Interop;

/// <summary>llama.cpp's sampler chain behind <see cref="TokenSampler"/>.</summary>
[TestFixture]
public sealed class SamplerTests
{
    private static float[] Logits(int seed, int n = 1000)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, n).Select(_ => (float)random.NextDouble() * 4).ToArray();
    }

    [Test]
    public void GreedyPicksTheArgMax()
    {
        using var sampler = new TokenSampler(SamplerOptions.Greedy);
        for (var seed = 0; seed < 5; seed++)
        {
            var logits = Logits(seed);
            Assert.That(sampler.Sample(logits), Is.EqualTo(Numerics.ArgMax(logits)));
        }
    }

    [Test]
    public void SameSeedSameTokensOtherSeedOtherTokens()
    {
        var logits = Logits(7);
        int[] Draw(uint seed)
        {
            using var s = new TokenSampler(new SamplerOptions { Temperature = 1.5f, TopP = 1f, Seed = seed });
            return Enumerable.Range(0, 20).Select(_ => s.Sample(logits)).ToArray();
        }
        var first = Draw(1);
        var again = Draw(1);
        Assert.That(again, Is.EqualTo(first));
        Assert.That(Draw(2), Is.Not.EqualTo(first));
    }

    [Test]
    public void TopKOneIsGreedyAndTopPKeepsOnlyLikelyTokens()
    {
        var logits = Logits(3);
        using var topK = new TokenSampler(new SamplerOptions { Temperature = 1f, TopK = 1, TopP = 1f, Seed = 9 });
        Assert.That(topK.Sample(logits), Is.EqualTo(Numerics.ArgMax(logits)));

        // Three tokens hold nearly all the mass: top-p 0.9 never draws anything else.
        var peaked = new float[1000];
        peaked[10] = 20; peaked[20] = 19.5f; peaked[30] = 19;
        using var topP = new TokenSampler(new SamplerOptions { Temperature = 1f, TopP = 0.9f, Seed = 5 });
        var drawn = Enumerable.Range(0, 50).Select(_ => topP.Sample(peaked)).ToHashSet();
        Assert.That(drawn.IsSubsetOf([10, 20, 30]), Is.True, string.Join(",", drawn));
    }

    [Test]
    public void InvalidOptionsAreRefused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new TokenSampler(new SamplerOptions { TopP = 0 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new TokenSampler(new SamplerOptions { TopK = -1 }));
    }
}
