using System.Runtime.InteropServices;

namespace LatentMas.Native.Bench;

/// <summary>
/// Debian's OpenBLAS (libopenblas0-pthread), loaded at run time for the alignment-kernel comparison only;
/// the product never calls it.
/// </summary>
internal static unsafe class OpenBlas
{
    private const int RowMajor = 101, NoTrans = 111, Trans = 112;
    private static readonly string[] Candidates =
    [
        "libopenblas.so.0", "/usr/lib/x86_64-linux-gnu/openblas-pthread/libopenblas.so.0", "/usr/lib/x86_64-linux-gnu/libopenblas.so.0",
    ];

    private static readonly Lazy<IntPtr> Sgemm = new(() =>
    {
        foreach (var name in Candidates)
        {
            if (NativeLibrary.TryLoad(name, out var lib) && NativeLibrary.TryGetExport(lib, "cblas_sgemm", out var fn))
            {
                return fn;
            }
        }
        return IntPtr.Zero;
    });

    /// <summary>Whether OpenBLAS could be loaded (apt-get install libopenblas0-pthread).</summary>
    public static bool Available => Sgemm.Value != IntPtr.Zero;

    /// <summary>C (d × d) += Aᵀ B for row-major A, B of rows × d.</summary>
    public static void AtB(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int rows, int d)
    {
        var fn = (delegate* unmanaged<int, int, int, int, int, int, float, float*, int, float*, int, float, float*, int, void>)Sgemm.Value;
        if (fn == null)
        {
            throw new InvalidOperationException("OpenBLAS is not installed: apt-get install libopenblas0-pthread");
        }
        fixed (float* pa = a)
        fixed (float* pb = b)
        fixed (float* pc = c)
        {
            fn(RowMajor, Trans, NoTrans, d, d, rows, 1f, pa, d, pb, d, 1f, pc, d);
        }
    }
}
