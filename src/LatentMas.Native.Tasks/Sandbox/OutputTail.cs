using System.Text;

namespace LatentMas.Native.Tasks.Sandbox;

/// <summary>Drains a stream to its end and keeps only the last bytes, so a chatty program cannot fill memory.</summary>
internal sealed class OutputTail(int limit)
{
    private const int HeadSize = 4096;
    private readonly byte[] _buffer = new byte[Math.Max(1, limit) * 2];
    private readonly byte[] _head = new byte[HeadSize];
    private int _length;
    private int _headLength;

    /// <summary>Bytes seen in total.</summary>
    public long Total { get; private set; }

    /// <summary>True when more than the limit arrived.</summary>
    public bool Truncated => Total > limit;

    /// <summary>Reads the stream until it ends (or the token fires).</summary>
    public async Task DrainAsync(Stream stream, CancellationToken ct)
    {
        var chunk = new byte[8192];
        try
        {
            int n;
            while ((n = await stream.ReadAsync(chunk, ct).ConfigureAwait(false)) > 0)
                Append(chunk.AsSpan(0, n));
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or ObjectDisposedException)
        {
            // The process was killed or abandoned: keep what arrived.
        }
    }

    private void Append(ReadOnlySpan<byte> data)
    {
        lock (_buffer)
        {
            // The first bytes are kept apart: the sandbox runner's status line comes first.
            if (_headLength < HeadSize)
            {
                var n = Math.Min(HeadSize - _headLength, data.Length);
                data[..n].CopyTo(_head.AsSpan(_headLength));
                _headLength += n;
            }
            Total += data.Length;
            if (data.Length >= limit)
            {
                data[^limit..].CopyTo(_buffer);
                _length = limit;
                return;
            }
            if (_length + data.Length > _buffer.Length)
            {
                // Slide the newest (limit - data.Length) bytes to the front to make room.
                var keep = limit - data.Length;
                _buffer.AsSpan(_length - keep, keep).CopyTo(_buffer);
                _length = keep;
            }
            data.CopyTo(_buffer.AsSpan(_length));
            _length += data.Length;
        }
    }

    /// <summary>The first 4 KiB as text.</summary>
    public string Head
    {
        get
        {
            lock (_buffer)
                return Encoding.UTF8.GetString(_head, 0, _headLength);
        }
    }

    /// <summary>The kept tail as text.</summary>
    public override string ToString()
    {
        lock (_buffer)
        {
            var start = Math.Max(0, _length - limit);
            return Encoding.UTF8.GetString(_buffer, start, _length - start);
        }
    }
}
