using System.Runtime.InteropServices;

namespace LatentMas.Native.Interop;

// Mirrors of the shim's own structs (lms.h), never of llama.cpp's. Each carries its size, which the shim checks.

[StructLayout(LayoutKind.Sequential)]
internal struct LmsModelInfo
{
    public int StructSize;
    public int NLayer;
    public int NEmbd;
    public int NHead;
    public int NHeadKv;
    public int NVocab;
    public int NCtxTrain;
    public int TiedOutput;
    public int EmbeddingInput;
    public int Reserved;
    public long NParams;
    public long SizeBytes;

    public static LmsModelInfo Create() => new() { StructSize = Marshal.SizeOf<LmsModelInfo>() };
}

[StructLayout(LayoutKind.Sequential)]
internal struct LmsContextParams
{
    public int StructSize;
    public int NCtx;
    public int NBatch;
    public int NUbatch;
    public int NSeqMax;
    public int NThreads;
    public int NThreadsBatch;
    public int TypeK;
    public int TypeV;
    public int FlashAttn;
    public int LayerCapture;
}

[StructLayout(LayoutKind.Sequential)]
internal struct LmsContextInfo
{
    public int StructSize;
    public int NCtx;
    public int NBatch;
    public int NUbatch;
    public int NSeqMax;
    public int NEmbd;
    public int NVocab;
    public int NLayer;
    public long KvBytes;

    public static LmsContextInfo Create() => new() { StructSize = Marshal.SizeOf<LmsContextInfo>() };
}

[StructLayout(LayoutKind.Sequential)]
internal struct LmsSamplerParams
{
    public int StructSize;
    public float Temperature;
    public int TopK;
    public float TopP;
    public float MinP;
    public uint Seed;
}

[StructLayout(LayoutKind.Sequential)]
internal unsafe struct LmsTensorInfo
{
    public int StructSize;
    public int Type;
    public int NDims;
    public int Reserved;
    public fixed long Ne[4];

    public static LmsTensorInfo Create() => new() { StructSize = sizeof(LmsTensorInfo) };
}
