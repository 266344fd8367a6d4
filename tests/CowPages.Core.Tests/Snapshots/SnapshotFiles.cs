using System;
using System.Buffers.Binary;
using System.IO;
using System.IO.Compression;

namespace CowPages.Core.Tests.Snapshots;

/// <summary>
/// Snapshot files for the tests: a folder of their own that is removed afterwards, and the packaging of a raw body into
/// a file with correct lengths and CRC, so that the tests can damage the body itself and reach the reader's checks
/// behind the checksum.
/// </summary>
internal sealed class SnapshotFiles : IDisposable
{
    public SnapshotFiles() => Directory.CreateDirectory(Folder);

    public string Folder { get; } = Path.Combine(Path.GetTempPath(), $"cowpages-snapshot-tests-{Guid.NewGuid():N}");

    public string PathOf(string name) => Path.Combine(Folder, name);

    public void Dispose() => Directory.Delete(Folder, recursive: true);

    /// <summary>The kernel section of a body: what every hand-made body starts with.</summary>
    public static void WriteKernelFacts(SnapshotBuffer body)
    {
        body.WriteString("CowPages test");
        body.WriteString("6.18.44-test");
        body.WriteString("testhost");
        body.WriteSigned(1_767_225_600_000);
        body.WriteVarint(4096);
        body.WriteVarint(0);
    }

    /// <summary>
    /// What follows a hand-made process's four texts: its ksm_merging_pages (the kernel does not say), whether it could be
    /// scanned, and no changed ranges.
    /// </summary>
    public static void WriteProcessFacts(SnapshotBuffer body, byte scan = SnapshotFormat.ScanAvailable)
    {
        body.WriteVarint(0);
        body.WriteByte(scan);
        body.WriteVarint(0);
    }

    /// <summary>A whole file around <paramref name="body"/>: magic, version, the compressed body, lengths and CRC.</summary>
    public static byte[] Package(byte[] body, uint version = SnapshotFormat.Version)
    {
        var compressed = new MemoryStream();
        using (var brotli = new BrotliStream(compressed, CompressionLevel.Fastest, leaveOpen: true))
        {
            brotli.Write(body);
        }
        byte[] file = new byte[SnapshotFormat.HeaderLength + compressed.Length + SnapshotFormat.TrailerLength];
        SnapshotFormat.Magic.CopyTo(file);
        BinaryPrimitives.WriteUInt32LittleEndian(file.AsSpan(8), version);
        compressed.ToArray().CopyTo(file, SnapshotFormat.HeaderLength);
        Span<byte> trailer = file.AsSpan(file.Length - SnapshotFormat.TrailerLength);
        BinaryPrimitives.WriteUInt64LittleEndian(trailer, (ulong)body.Length);
        BinaryPrimitives.WriteUInt64LittleEndian(trailer[8..], (ulong)compressed.Length);
        Reseal(file);
        return file;
    }

    /// <summary>Recomputes the CRC at the end of <paramref name="file"/>, as if it had been written that way.</summary>
    public static void Reseal(byte[] file) =>
        BinaryPrimitives.WriteUInt32LittleEndian(file.AsSpan(file.Length - 4), Crc32.Compute(file.AsSpan(0, file.Length - 4)));

    /// <summary>The decompressed body of a file.</summary>
    public static byte[] Unpack(byte[] file)
    {
        using var compressed = new MemoryStream(file, SnapshotFormat.HeaderLength, file.Length - SnapshotFormat.HeaderLength - SnapshotFormat.TrailerLength);
        using var brotli = new BrotliStream(compressed, CompressionMode.Decompress);
        var body = new MemoryStream();
        brotli.CopyTo(body);
        return body.ToArray();
    }

    /// <summary>Reads a body through a real file, as the cmdlets would.</summary>
    public static SnapshotImage ReadBody(byte[] body)
    {
        using var files = new SnapshotFiles();
        string path = files.PathOf("body.cowsnap");
        File.WriteAllBytes(path, Package(body));
        return SnapshotReader.Read(path);
    }
}
