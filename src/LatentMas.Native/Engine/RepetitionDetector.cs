namespace LatentMas.Native.Engine;

/// <summary>
/// Recognises outputs that have collapsed into a loop (badly scaled latent vectors cause this): the output
/// ends in a run that repeats one block of at most <see cref="MaxPeriod"/> tokens at least three times and
/// covers at least half of the output (and at least <see cref="MinRun"/> tokens).
/// </summary>
public static class RepetitionDetector
{
    /// <summary>Longest repeating block considered.</summary>
    public const int MaxPeriod = 32;

    /// <summary>Shortest run that counts.</summary>
    public const int MinRun = 8;

    /// <summary>Whether <paramref name="tokens"/> ends in a degenerate loop.</summary>
    public static bool IsCollapsed(IReadOnlyList<int> tokens)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        var n = tokens.Count;
        for (var period = 1; period <= Math.Min(MaxPeriod, n / 3); period++)
        {
            // Length of the suffix in which every token equals the one a period later.
            var run = period;
            for (var i = n - 1 - period; i >= 0 && tokens[i] == tokens[i + period]; i--)
            {
                run++;
            }
            if (run >= 3 * period && run >= MinRun && run * 2 >= n)
            {
                return true;
            }
        }
        return false;
    }
}
