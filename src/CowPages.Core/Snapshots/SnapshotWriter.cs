using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;
using System.IO.Compression;

namespace CowPages.Snapshots;

/// <summary>
/// Writes a snapshot file (layout: <c>docs/snapshot-format.md</c>) as a stream: the kernel facts, then one record per
/// process as each is captured, then the frame table. The body goes through Brotli at its fastest setting. The file is
/// created under a temporary name with mode 0600, since it describes other users' memory, and renamed over the target
/// only by <see cref="Commit"/>: a capture that fails or is cancelled leaves nothing behind, not half a file.
/// </summary>
public sealed class SnapshotWriter : IDisposable
{
    private readonly string _path;
    private readonly string _temporaryPath;
    private readonly FileStream _file;
    private readonly ChecksumStream _checked;
    private readonly BrotliStream _body;
    private readonly SnapshotBuffer _record = new(1 << 16);
    private long _bodyLength;
    private bool _kernelWritten;
    private bool _processesEnded;
    private bool _committed;
    private readonly HashSet<int> _processIds = new();

    private SnapshotWriter(string path, string temporaryPath, FileStream file)
    {
        _path = path;
        _temporaryPath = temporaryPath;
        _file = file;
        _checked = new ChecksumStream(file);
        _checked.Write(SnapshotFormat.Magic);
        Span<byte> version = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(version, SnapshotFormat.Version);
        _checked.Write(version);
        _body = new BrotliStream(_checked, CompressionLevel.Fastest, leaveOpen: true);
    }

    /// <summary>The path the file will have once committed.</summary>
    public string Path => _path;

    /// <summary>Starts a snapshot that will be written to <paramref name="path"/> (replacing a file there on commit).</summary>
    /// <exception cref="IOException">The path is a folder, or its folder does not exist or cannot be written.</exception>
    /// <exception cref="UnauthorizedAccessException">No permission to create a file in the folder.</exception>
    public static SnapshotWriter Create(string path)
    {
        string full = System.IO.Path.GetFullPath(path);
        string folder = System.IO.Path.GetDirectoryName(full) ?? "/";
        if (Directory.Exists(full))
        {
            throw new IOException($"{full} is a folder; give the path of a file.");
        }
        string temporary = System.IO.Path.Combine(folder, $".{System.IO.Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
        var options = new FileStreamOptions
        {
            Mode = FileMode.CreateNew,
            Access = FileAccess.Write,
            Share = FileShare.None,
            BufferSize = 1 << 16,
        };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }
        return new SnapshotWriter(full, temporary, new FileStream(temporary, options));
    }

    /// <summary>Writes the kernel facts; first, once. The frame visibility and the zero page go with the frames.</summary>
    public void WriteKernel(SnapshotKernel kernel)
    {
        if (_kernelWritten)
        {
            throw new InvalidOperationException("The kernel facts are already written.");
        }
        _record.Clear();
        _record.WriteString(kernel.Writer);
        _record.WriteString(kernel.Release);
        _record.WriteString(kernel.HostName);
        _record.WriteSigned(kernel.CapturedAt.ToUnixTimeMilliseconds());
        _record.WriteVarint((ulong)kernel.PageSize);
        _record.WriteVarint((ulong)kernel.Quirks);
        Flush();
        _kernelWritten = true;
    }

    /// <summary>
    /// Writes one process: its text files, its ksm_merging_pages (null where the kernel did not say), whether the capture
    /// could scan its pagemap, the ranges that changed while it was read, and its pagemap tokens as
    /// <see cref="PagemapEncoder"/> wrote them (ending with the end token).
    /// </summary>
    public void WriteProcess(int processId, byte[] status, byte[] maps, byte[] smapsRollup, byte[] smaps, ulong? ksmMergingPages,
        bool canScan, IReadOnlyList<AddressRange> changedRanges, ReadOnlySpan<byte> pagemapTokens)
    {
        if (!_kernelWritten || _processesEnded)
        {
            throw new InvalidOperationException("Processes go after the kernel facts and before the frames.");
        }
        if (processId <= 0 || !_processIds.Add(processId))
        {
            throw new ArgumentException($"Process {processId} is not a valid PID or is already in the snapshot.", nameof(processId));
        }
        _record.Clear();
        _record.WriteByte(SnapshotFormat.ProcessTag);
        _record.WriteVarint((ulong)processId);
        // The texts go to the compressor as they are, not through the record buffer: smaps of a process with tens of
        // thousands of mappings is tens of megabytes.
        foreach (byte[] text in new[] { status, maps, smapsRollup, smaps })
        {
            _record.WriteVarint((ulong)text.Length);
            Flush();
            _record.Clear();
            Write(text);
        }
        // One more than the count, so that 0 can say that the kernel has no such file.
        _record.WriteVarint(ksmMergingPages is ulong merging ? checked(merging + 1) : 0);
        _record.WriteByte(canScan ? SnapshotFormat.ScanAvailable : SnapshotFormat.ScanMissing);
        _record.WriteVarint((ulong)changedRanges.Count);
        ulong previousEnd = 0;
        foreach (AddressRange range in changedRanges)
        {
            ulong first = PageGeometry.PageOf(range.Start);
            ulong end = PageGeometry.PageOf(range.End);
            _record.WriteVarint(first - previousEnd);
            _record.WriteVarint(end - first);
            previousEnd = end;
        }
        Flush();
        Write(pagemapTokens);
    }

    /// <summary>Ends the processes and writes the frame table (null when frames were hidden) and the zero page's id.</summary>
    public void WriteFrames(FrameTable? frames, ulong zeroFrameId) =>
        WriteFrames(frames is null ? null : FrameColumns.From(frames), zeroFrameId);

    internal void WriteFrames(FrameColumns? frames, ulong zeroFrameId)
    {
        if (!_kernelWritten || _processesEnded)
        {
            throw new InvalidOperationException("The frames go once, after the processes.");
        }
        _processesEnded = true;
        _record.Clear();
        _record.WriteByte(SnapshotFormat.EndOfProcessesTag);
        if (frames is null)
        {
            _record.WriteByte(0);
            Flush();
            return;
        }
        _record.WriteByte(1);
        _record.WriteVarint(zeroFrameId);
        _record.WriteVarint((ulong)frames.Count);
        _record.WriteVarint((ulong)frames.Fields);
        Flush();
        foreach (FrameColumns.Column column in frames.InFileOrder())
        {
            _record.Clear();
            _record.WriteByte(column.Dictionary ? (byte)1 : (byte)0);
            if (column.Dictionary)
            {
                _record.WriteVarint((ulong)column.Values.Count);
                foreach (ulong value in column.Values)
                {
                    _record.WriteUInt64(value);
                }
            }
            Flush();
            Write(column.Entries.Written);
        }
    }

    /// <summary>
    /// Finishes the compressed body, appends the trailer, forces the file to disk and renames it into place.
    /// Returns the file's length.
    /// </summary>
    public long Commit()
    {
        if (!_processesEnded)
        {
            throw new InvalidOperationException("Write the frames before committing.");
        }
        _body.Dispose();
        long compressed = _checked.Written - SnapshotFormat.HeaderLength;
        Span<byte> trailer = stackalloc byte[SnapshotFormat.TrailerLength];
        BinaryPrimitives.WriteUInt64LittleEndian(trailer, (ulong)_bodyLength);
        BinaryPrimitives.WriteUInt64LittleEndian(trailer[8..], (ulong)compressed);
        _checked.Write(trailer[..16]);
        BinaryPrimitives.WriteUInt32LittleEndian(trailer[16..], _checked.Crc);
        _file.Write(trailer[16..]);
        _file.Flush(flushToDisk: true);
        long length = _file.Length;
        _file.Dispose();
        File.Move(_temporaryPath, _path, overwrite: true);
        _committed = true;
        return length;
    }

    private void Flush()
    {
        Write(_record.Written);
    }

    private void Write(ReadOnlySpan<byte> bytes)
    {
        _body.Write(bytes);
        _bodyLength += bytes.Length;
    }

    /// <summary>Closes the file; without a commit, the temporary file is deleted and the target is left as it was.</summary>
    public void Dispose()
    {
        if (_committed)
        {
            return;
        }
        try
        {
            _body.Dispose();
        }
        catch (IOException)
        {
            // The disk may be full: that is why we are here. The file goes anyway.
        }
        _file.Dispose();
        File.Delete(_temporaryPath);
    }

    /// <summary>Writes a whole in-memory snapshot to <paramref name="path"/>; returns the file's length.</summary>
    public static long Write(SnapshotImage image, string path)
    {
        using SnapshotWriter writer = Create(path);
        writer.WriteKernel(image.Kernel);
        var tokens = new SnapshotBuffer(1 << 16);
        bool[] zero = Array.Empty<bool>();
        foreach (ProcessImage process in image.Processes)
        {
            tokens.Clear();
            var encoder = new PagemapEncoder(tokens);
            PagemapImage pagemap = process.Pagemap;
            foreach (PagemapImage.Segment segment in pagemap.Segments)
            {
                if (segment.IsFill)
                {
                    AppendFill(encoder, pagemap, segment);
                    continue;
                }
                if (zero.Length < (int)segment.Count)
                {
                    zero = new bool[(int)segment.Count];
                }
                Span<bool> marks = zero.AsSpan(0, (int)segment.Count);
                pagemap.ZeroPagesOf(segment.StartPage, marks);
                encoder.Append(segment.StartPage, pagemap.WordsOf(segment), marks);
            }
            encoder.Finish();
            writer.WriteProcess(process.ProcessId, process.Status, process.Maps, process.SmapsRollup, process.Smaps,
                process.KsmMergingPages, process.CanScan, process.ChangedRanges, tokens.Written);
        }
        writer.WriteFrames(image.Frames, image.Kernel.ZeroFrameId);
        return writer.Commit();
    }

    /// <summary>A run of one word, cut where zero-page runs begin and end inside it.</summary>
    private static void AppendFill(PagemapEncoder encoder, PagemapImage pagemap, PagemapImage.Segment segment)
    {
        ulong page = segment.StartPage;
        foreach (PagemapImage.PageRun run in pagemap.ZeroRuns)
        {
            if (run.EndPage <= page || run.StartPage >= segment.EndPage)
            {
                continue;
            }
            ulong from = Math.Max(run.StartPage, page);
            ulong to = Math.Min(run.EndPage, segment.EndPage);
            encoder.AppendRun(page, from - page, segment.Fill);
            encoder.AppendRun(from, to - from, segment.Fill, zero: true);
            page = to;
        }
        encoder.AppendRun(page, segment.EndPage - page, segment.Fill);
    }
}
