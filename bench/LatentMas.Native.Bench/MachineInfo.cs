using System.Diagnostics;
using System.Runtime.Intrinsics;

namespace LatentMas.Native.Bench;

/// <summary>What the numbers were measured on, and the memory bandwidth that bounds decoding.</summary>
internal static class MachineInfo
{
    public static string CpuModel()
    {
        try
        {
            var line = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal));
            return line?.Split(':', 2)[1].Trim() ?? "unknown";
        }
        catch (IOException)
        {
            return "unknown";
        }
    }

    public static string VectorSupport() =>
        $"{(Vector512.IsHardwareAccelerated ? "AVX-512" : Vector256.IsHardwareAccelerated ? "AVX2" : "SSE")}" +
        $"{(System.Runtime.Intrinsics.X86.Fma.IsSupported ? "+FMA" : "")}";

    /// <summary>Resident memory of this process (VmRSS), after a compacting collection so freed managed buffers do not count.</summary>
    public static long ResidentBytes()
    {
        System.Runtime.GCSettings.LargeObjectHeapCompactionMode = System.Runtime.GCLargeObjectHeapCompactionMode.CompactOnce;
        GC.Collect(2, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        foreach (var line in File.ReadLines("/proc/self/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture) * 1024;
            }
        }
        return Process.GetCurrentProcess().WorkingSet64;
    }

    /// <summary>Streaming read bandwidth in GB/s: every core sums its share of a buffer far larger than the caches; best of three.</summary>
    public static double ReadBandwidthGBs(long bytes = 1L << 30, int threads = 0)
    {
        threads = threads > 0 ? threads : Environment.ProcessorCount;
        var floats = bytes / sizeof(float);
        var buffer = GC.AllocateUninitializedArray<float>((int)Math.Min(floats, Array.MaxLength));
        Array.Fill(buffer, 1f);  // touch every page first
        double best = 0;
        for (var r = 0; r < 3; r++)
        {
            var clock = Stopwatch.StartNew();
            var sums = new float[threads];
            Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, t =>
            {
                var share = buffer.Length / threads;
                var span = buffer.AsSpan(t * share, share);
                sums[t] = System.Numerics.Tensors.TensorPrimitives.Sum<float>(span);
            });
            var seconds = clock.Elapsed.TotalSeconds;
            if (sums.Sum() > 0)
            {
                best = Math.Max(best, buffer.Length * 4.0 / seconds / 1e9);
            }
        }
        return best;
    }
}
