using LatentMas.Native.Interop;

namespace LatentMas.Native.Llama;

/// <summary>Target of a quantization (llama.cpp's llama_ftype ids).</summary>
public enum QuantizationType
{
    /// <summary>All 32-bit floats.</summary>
    F32 = 0,
    /// <summary>16-bit floats.</summary>
    F16 = 1,
    /// <summary>4-bit, blocks of 32.</summary>
    Q4_0 = 2,
    /// <summary>8-bit, blocks of 32.</summary>
    Q8_0 = 7,
    /// <summary>4-bit K-quant, medium (rows must be multiples of 256, otherwise llama.cpp falls back per tensor).</summary>
    Q4_K_M = 15,
    /// <summary>5-bit K-quant, medium.</summary>
    Q5_K_M = 17,
    /// <summary>6-bit K-quant.</summary>
    Q6_K = 18,
}

/// <summary>Quantizes GGUF models with llama.cpp's quantizer.</summary>
public static class ModelQuantizer
{
    /// <summary>Writes <paramref name="outputPath"/>, a copy of <paramref name="inputPath"/> quantized to <paramref name="type"/>.</summary>
    public static void Quantize(string inputPath, string outputPath, QuantizationType type, int threads = 0)
    {
        if (!File.Exists(inputPath))
        {
            throw new FileNotFoundException($"Model file not found: {inputPath}", inputPath);
        }
        if (!Enum.IsDefined(type))
        {
            throw new ArgumentOutOfRangeException(nameof(type), type, "Unknown quantization type.");
        }
        if (Path.GetFullPath(inputPath) == Path.GetFullPath(outputPath))
        {
            throw new ArgumentException("The output must be another file than the input.", nameof(outputPath));
        }
        NativeRuntime.EnsureInitialized();
        NativeStatus.Check(NativeMethods.lms_model_quantize(inputPath, outputPath, (int)type, threads));
    }
}
