using System.Runtime.InteropServices;

namespace LatentMas.Native.Interop;

// One SafeHandle per native object. A child keeps its parent alive (the context holds a reference on
// its model), so disposal in any order, or by the finalizer, never frees a model under a live context.

/// <summary>Owns an lms_model.</summary>
internal sealed class ModelHandle() : SafeHandle(IntPtr.Zero, ownsHandle: true)
{
    public override bool IsInvalid => handle == IntPtr.Zero;
    protected override bool ReleaseHandle()
    {
        NativeMethods.lms_model_free(handle);
        return true;
    }
}

/// <summary>Owns an lms_context and holds a reference on the model it was created from.</summary>
internal sealed class ContextHandle() : SafeHandle(IntPtr.Zero, ownsHandle: true)
{
    private ModelHandle? _model;

    public override bool IsInvalid => handle == IntPtr.Zero;

    /// <summary>Takes a reference on the parent model; released after the context is freed.</summary>
    public void KeepAlive(ModelHandle model)
    {
        var added = false;
        model.DangerousAddRef(ref added);
        if (added)
        {
            _model = model;
        }
    }

    protected override bool ReleaseHandle()
    {
        NativeMethods.lms_context_free(handle);
        _model?.DangerousRelease();
        _model = null;
        return true;
    }
}

/// <summary>Owns an lms_sampler.</summary>
internal sealed class SamplerHandle() : SafeHandle(IntPtr.Zero, ownsHandle: true)
{
    public override bool IsInvalid => handle == IntPtr.Zero;
    protected override bool ReleaseHandle()
    {
        NativeMethods.lms_sampler_free(handle);
        return true;
    }
}

/// <summary>Owns an lms_gguf_reader (an open GGUF file).</summary>
internal sealed class GgufReaderHandle() : SafeHandle(IntPtr.Zero, ownsHandle: true)
{
    public override bool IsInvalid => handle == IntPtr.Zero;
    protected override bool ReleaseHandle()
    {
        NativeMethods.lms_gguf_close(handle);
        return true;
    }
}

/// <summary>Owns an lms_gguf_writer; freeing an unfinished writer deletes its partial file.</summary>
internal sealed class GgufWriterHandle() : SafeHandle(IntPtr.Zero, ownsHandle: true)
{
    public override bool IsInvalid => handle == IntPtr.Zero;
    protected override bool ReleaseHandle()
    {
        NativeMethods.lms_gguf_writer_free(handle);
        return true;
    }
}
