namespace LatentMas.Native.Tasks.Data;

/// <summary>Progress of a dataset download, reported while bytes arrive and once per file from the cache.</summary>
/// <param name="Source">The dataset being fetched.</param>
/// <param name="FileName">Name of the file in the cache.</param>
/// <param name="FileIndex">Zero-based position of the file.</param>
/// <param name="FileCount">Number of files of the split.</param>
/// <param name="BytesReceived">Bytes of this file so far.</param>
/// <param name="TotalBytes">Size of this file when the server said it, otherwise null.</param>
/// <param name="FromCache">True when the file was already cached and its SHA-256 matched.</param>
public sealed record DownloadProgress(DataSource Source, string FileName, int FileIndex, int FileCount,
                                      long BytesReceived, long? TotalBytes, bool FromCache);
