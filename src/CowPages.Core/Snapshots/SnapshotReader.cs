using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;
using System.IO.Compression;
using CowPages.Decoding;
using CowPages.Sources;

namespace CowPages.Snapshots;

/// <summary>
/// Reads a snapshot file into a <see cref="SnapshotImage"/>, checking everything before trusting anything: the magic
/// and version, then the CRC-32 of the whole file (a damaged or truncated file stops here), then every length, count,
/// token and frame id of the body against the bounds the format allows. Whatever is wrong ends in one
/// <see cref="ProcfsException"/> of kind <see cref="ProcfsErrorKind.Malformed"/> that names the file and the fault.
/// Time and memory are linear in the stored pages; runs of one repeated word (untouched reservations) cost nothing.
/// </summary>
public static class SnapshotReader
{
    private const int MaxName = 4096;

    private const KernelQuirks KnownQuirks = KernelQuirks.KsmFlagOnAnonymousPages;

    /// <exception cref="ProcfsException">The file is missing or unreadable, or is not a valid snapshot this version reads.</exception>
    public static SnapshotImage Read(string path)
    {
        string full = Path.GetFullPath(path);
        try
        {
            using var file = new FileStream(full, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
            return Read(file, full);
        }
        catch (FileNotFoundException)
        {
            throw new ProcfsException(ProcfsErrorKind.NotFound, full, null, null, $"cannot open {full}: there is no such snapshot file.");
        }
        catch (DirectoryNotFoundException)
        {
            throw new ProcfsException(ProcfsErrorKind.NotFound, full, null, null, $"cannot open {full}: its folder does not exist.");
        }
        catch (UnauthorizedAccessException e)
        {
            throw new ProcfsException(ProcfsErrorKind.AccessDenied, full, null, null,
                $"cannot open {full}: {e.Message} Snapshots are written with mode 0600: read them as their owner or as root.");
        }
        catch (IOException e)
        {
            throw new ProcfsException(ProcfsErrorKind.IoError, full, null, null, $"cannot read {full}: {e.Message}");
        }
    }

    /// <summary>Reads a snapshot from a seekable stream; <paramref name="name"/> is what errors call it.</summary>
    /// <exception cref="ProcfsException">The stream does not hold a valid snapshot this version reads.</exception>
    public static SnapshotImage Read(Stream stream, string name)
    {
        try
        {
            return ReadChecked(stream);
        }
        catch (SnapshotFormatException e)
        {
            throw ProcfsException.Malformed(name, null, e.Message);
        }
        catch (InvalidDataException e)
        {
            throw ProcfsException.Malformed(name, null, $"its compressed body is damaged ({e.Message})");
        }
    }

    private static SnapshotImage ReadChecked(Stream file)
    {
        long length = file.Length;
        Span<byte> header = stackalloc byte[SnapshotFormat.HeaderLength];
        int got = file.ReadAtLeast(header, header.Length, throwOnEndOfStream: false);
        if (got < SnapshotFormat.Magic.Length || !header[..SnapshotFormat.Magic.Length].SequenceEqual(SnapshotFormat.Magic))
        {
            throw new SnapshotFormatException("it is not a CowPages snapshot (it does not start with COWSNAP)");
        }
        if (length < SnapshotFormat.HeaderLength + SnapshotFormat.TrailerLength)
        {
            throw new SnapshotFormatException($"it is truncated: {length} bytes is too short for a snapshot");
        }
        uint version = BinaryPrimitives.ReadUInt32LittleEndian(header[SnapshotFormat.Magic.Length..]);
        if (version == 0)
        {
            throw new SnapshotFormatException("its format version is 0, which no CowPages writes");
        }
        if (version > SnapshotFormat.Version)
        {
            throw new SnapshotFormatException(
                $"it has format version {version}, newer than the newest this CowPages reads ({SnapshotFormat.Version}): read it with a newer CowPages");
        }
        if (version == SnapshotFormat.FirstVersion)
        {
            throw new SnapshotFormatException(
                $"it has format version {version}, which a development build of CowPages wrote without the kernel's quirks and " +
                $"zero pages, so analyses of it could differ from live ones: take the snapshot again (this CowPages writes version {SnapshotFormat.Version})");
        }

        CheckCrc(file, length);
        Span<byte> trailer = stackalloc byte[SnapshotFormat.TrailerLength];
        file.Position = length - SnapshotFormat.TrailerLength;
        file.ReadExactly(trailer);
        ulong bodyLength = BinaryPrimitives.ReadUInt64LittleEndian(trailer);
        ulong compressedLength = BinaryPrimitives.ReadUInt64LittleEndian(trailer[8..]);
        if (compressedLength != (ulong)(length - SnapshotFormat.HeaderLength - SnapshotFormat.TrailerLength) || bodyLength > long.MaxValue)
        {
            throw new SnapshotFormatException(
                $"its trailer declares {compressedLength} compressed bytes, but {length - SnapshotFormat.HeaderLength - SnapshotFormat.TrailerLength} lie between header and trailer");
        }

        using var window = new WindowStream(file, SnapshotFormat.HeaderLength, (long)compressedLength);
        using var body = new BrotliStream(window, CompressionMode.Decompress);
        var reader = new SnapshotBodyReader(body, (long)bodyLength);
        return ReadBody(reader);
    }

    private static void CheckCrc(Stream file, long length)
    {
        var crc = new Crc32();
        byte[] buffer = new byte[(int)Math.Min(1 << 20, length)];
        file.Position = 0;
        long left = length - 4;
        while (left > 0)
        {
            int n = file.Read(buffer, 0, (int)Math.Min(buffer.Length, left));
            if (n <= 0)
            {
                throw new SnapshotFormatException("it became shorter while it was read");
            }
            crc.Append(buffer.AsSpan(0, n));
            left -= n;
        }
        Span<byte> stored = stackalloc byte[4];
        file.ReadExactly(stored);
        uint expected = BinaryPrimitives.ReadUInt32LittleEndian(stored);
        if (crc.Value != expected)
        {
            throw new SnapshotFormatException(
                $"it is damaged or truncated: its CRC-32 is 0x{crc.Value:x8}, but the file ends with 0x{expected:x8} ({length} bytes)");
        }
    }

    private static SnapshotImage ReadBody(SnapshotBodyReader reader)
    {
        string writer = reader.ReadString("the writer's name", MaxName);
        string release = reader.ReadString("the kernel release", MaxName);
        string host = reader.ReadString("the host name", MaxName);
        long capturedMs = reader.ReadSigned("the capture time");
        if (capturedMs < DateTimeOffset.MinValue.ToUnixTimeMilliseconds() || capturedMs > DateTimeOffset.MaxValue.ToUnixTimeMilliseconds())
        {
            throw reader.Fail($"the capture time {capturedMs} ms lies outside the calendar");
        }
        ulong pageSize = reader.ReadVarint("the page size");
        if (pageSize != PageGeometry.PageSize)
        {
            throw reader.Fail($"it was captured on a kernel with {pageSize}-byte pages; CowPages reads {PageGeometry.PageSize}-byte pages only");
        }
        ulong quirks = reader.ReadVarint("the kernel's quirks");
        if ((quirks & ~(ulong)KnownQuirks) != 0)
        {
            throw reader.Fail($"the kernel's quirks {quirks} hold bits this CowPages does not know");
        }

        var processes = new List<ProcessImage>();
        var seen = new HashSet<int>();
        var ids = new FrameIdUse();
        while (true)
        {
            byte tag = reader.ReadByte();
            if (tag == SnapshotFormat.EndOfProcessesTag)
            {
                break;
            }
            if (tag != SnapshotFormat.ProcessTag)
            {
                throw reader.Fail($"a record has the unknown tag {tag}");
            }
            ProcessImage process = ReadProcess(reader, ref ids);
            if (!seen.Add(process.ProcessId))
            {
                throw reader.Fail($"process {process.ProcessId} is stored twice");
            }
            processes.Add(process);
        }

        FrameTable? frames = null;
        ulong zeroId = 0;
        byte hasFrames = reader.ReadByte();
        if (hasFrames > 1)
        {
            throw reader.Fail($"the frame table's marker is {hasFrames}, not 0 or 1");
        }
        if (hasFrames == 1)
        {
            zeroId = reader.ReadVarint("the zero page's frame id", uint.MaxValue);
            frames = ReadFrames(reader);
            if (zeroId > (ulong)frames.Count)
            {
                throw reader.Fail($"the zero page's frame id {zeroId} is beyond the {frames.Count} frames stored");
            }
            if (ids.Max > (ulong)frames.Count)
            {
                throw reader.Fail($"a page refers to frame id {ids.Max}, beyond the {frames.Count} frames stored");
            }
            if (ids.Hidden)
            {
                throw reader.Fail("a present page has no frame id although the snapshot holds frames");
            }
        }
        else if (ids.Max != 0)
        {
            throw reader.Fail($"a page refers to frame id {ids.Max}, but the snapshot holds no frames");
        }
        if (frames is not null && ids.ScannedZero)
        {
            throw reader.Fail("a page is marked as PAGEMAP_SCAN's zero page, which only a snapshot without frames records");
        }
        reader.ExpectEnd();
        var kernel = new SnapshotKernel(writer, release, host, DateTimeOffset.FromUnixTimeMilliseconds(capturedMs), (int)pageSize,
            frames is not null, zeroId, (KernelQuirks)quirks);
        return new SnapshotImage(kernel, processes, frames);
    }

    private static ProcessImage ReadProcess(SnapshotBodyReader reader, ref FrameIdUse ids)
    {
        int processId = (int)reader.ReadVarint("a process ID", int.MaxValue);
        if (processId == 0)
        {
            throw reader.Fail("a process has ID 0");
        }
        byte[] status = reader.ReadBytes($"process {processId}'s status");
        byte[] maps = reader.ReadBytes($"process {processId}'s maps");
        byte[] rollup = reader.ReadBytes($"process {processId}'s smaps_rollup");
        byte[] smaps = reader.ReadBytes($"process {processId}'s smaps");
        ulong ksm = reader.ReadVarint($"process {processId}'s ksm_merging_pages");
        byte scan = reader.ReadByte();
        if (scan > SnapshotFormat.ScanAvailable)
        {
            throw reader.Fail($"process {processId}'s scan marker is {scan}, not 0 or 1");
        }

        ulong changedCount = reader.ReadVarint($"process {processId}'s count of changed ranges", (ulong)reader.Remaining);
        var changed = new List<AddressRange>((int)Math.Min(changedCount, 1024));
        ulong page = 0;
        for (ulong i = 0; i < changedCount; i++)
        {
            ulong start = page + reader.ReadVarint("a changed range's offset", SnapshotFormat.UserPages - page);
            ulong pages = reader.ReadVarint("a changed range's length", SnapshotFormat.UserPages - start);
            if (pages == 0 || (i > 0 && start == page))
            {
                throw reader.Fail($"process {processId}'s changed ranges are empty or not separate");
            }
            changed.Add(new AddressRange(PageGeometry.AddressOf(start), PageGeometry.AddressOf(start + pages)));
            page = start + pages;
        }
        PagemapImage pagemap;
        try
        {
            pagemap = ReadPagemap(reader, ref ids);
        }
        catch (SnapshotFormatException e)
        {
            throw new SnapshotFormatException($"process {processId}'s pagemap: {e.Message}");
        }
        if (scan == SnapshotFormat.ScanMissing && pagemap.ScannedZeroPages > 0)
        {
            throw reader.Fail($"process {processId} has pages marked as PAGEMAP_SCAN's zero page, but was captured without PAGEMAP_SCAN");
        }
        return new ProcessImage(processId, status, maps, rollup, smaps, changed, pagemap, ksm == 0 ? null : ksm - 1,
            scan == SnapshotFormat.ScanAvailable);
    }

    /// <summary>
    /// Decodes the tokens <see cref="PagemapEncoder"/> wrote; see its summary for what each means. The hot path names
    /// its values with constant texts: the caller adds the process to any error.
    /// </summary>
    private static PagemapImage ReadPagemap(SnapshotBodyReader reader, ref FrameIdUse ids)
    {
        var builder = new PagemapImageBuilder();
        ulong previous = 0;
        bool previousZero = false;
        ulong previousId = 0;
        while (true)
        {
            ulong token = reader.ReadVarint("a token");
            ulong argument = token >> 2;
            ulong room = SnapshotFormat.UserPages - builder.Cursor;
            switch (token & 3)
            {
                case SnapshotFormat.EndToken:
                    if (argument != 0)
                    {
                        throw reader.Fail($"the token {token} is unknown");
                    }
                    return builder.Build();
                case SnapshotFormat.GapToken:
                    if (argument == 0 || argument > room)
                    {
                        throw reader.Fail($"a gap of {argument} pages from page 0x{builder.Cursor:x} is empty or runs past the user address space");
                    }
                    builder.Skip(argument);
                    previous = 0;
                    previousZero = false;
                    break;
                case SnapshotFormat.RepeatToken:
                    if (argument == 0 || argument > room)
                    {
                        throw reader.Fail($"a run of {argument} pages from page 0x{builder.Cursor:x} is empty or runs past the user address space");
                    }
                    builder.AddRun(previous, argument, previousZero);
                    break;
                default:
                    if (argument > SnapshotFormat.MaxLiteralHeader || room == 0)
                    {
                        throw reader.Fail($"a word at page 0x{builder.Cursor:x} has the unknown header {argument} or lies past the user address space");
                    }
                    ulong flags = argument & (SnapshotFormat.MaxLiteralHeader >> 1);
                    bool present = (flags >> (PagemapWord.PresentBit - SnapshotFormat.FlagShift)) != 0;
                    previousZero = (argument & SnapshotFormat.ScanZeroBit) != 0;
                    if (previousZero && !present)
                    {
                        throw reader.Fail($"a page at page 0x{builder.Cursor:x} is marked as the zero page but is not present");
                    }
                    ids.ScannedZero |= previousZero;
                    ulong frame;
                    if (present)
                    {
                        long delta = reader.ReadSigned("a frame id");
                        frame = previousId + (ulong)delta;
                        if ((delta > 0 && frame < previousId) || (delta < 0 && frame > previousId) || frame > uint.MaxValue)
                        {
                            throw reader.Fail($"a frame id lies outside 0-{uint.MaxValue}");
                        }
                        previousId = frame;
                        ids.Note(frame);
                    }
                    else
                    {
                        frame = reader.ReadVarint("a swap entry", PagemapWord.FrameMask);
                    }
                    previous = (flags << SnapshotFormat.FlagShift) | frame;
                    builder.Add(previous, previousZero);
                    break;
            }
        }
    }

    private static FrameTable ReadFrames(SnapshotBodyReader reader)
    {
        ulong count = reader.ReadVarint("the number of frames", (ulong)Math.Min(reader.Remaining, Array.MaxLength));
        ulong fields = reader.ReadVarint("the frame fields");
        if ((fields & (ulong)FrameFields.Flags) == 0 || (fields & ~(ulong)FrameFields.All) != 0)
        {
            throw reader.Fail($"the frame fields {fields} are not a set of kpageflags and optionally kpagecount and kpagecgroup");
        }
        ulong[] flags = ReadColumn(reader, (int)count, "kpageflags");
        ulong[]? counts = (fields & (ulong)FrameFields.MapCount) != 0 ? ReadColumn(reader, (int)count, "kpagecount") : null;
        ulong[]? cgroups = (fields & (ulong)FrameFields.Cgroup) != 0 ? ReadColumn(reader, (int)count, "kpagecgroup") : null;
        return new FrameTable(flags, counts, cgroups);
    }

    private static ulong[] ReadColumn(SnapshotBodyReader reader, int count, string what)
    {
        byte mode = reader.ReadByte();
        if (mode > 1)
        {
            throw reader.Fail($"the {what} column has the unknown encoding {mode}");
        }
        ulong[] values = Array.Empty<ulong>();
        if (mode == 1)
        {
            ulong size = reader.ReadVarint($"the size of the {what} dictionary", (ulong)Math.Min(SnapshotFormat.MaxDictionary, reader.Remaining / 8));
            values = new ulong[size];
            for (ulong i = 0; i < size; i++)
            {
                values[i] = reader.ReadUInt64();
            }
        }
        string entry = $"a {what} word";
        // Grown as the entries arrive: a count that a damaged body overstates then fails at the body's end, not in an allocation.
        ulong[] column = new ulong[Math.Min(count, 1 << 20)];
        for (int i = 0; i < count; i++)
        {
            ulong word = reader.ReadVarint(entry);
            if (mode == 1)
            {
                word = word < (ulong)values.Length ? values[word] : throw reader.Fail($"a {what} entry points past its dictionary of {values.Length}");
            }
            if (i == column.Length)
            {
                Array.Resize(ref column, (int)Math.Min(count, (long)column.Length * 2));
            }
            column[i] = word;
        }
        return column;
    }

    /// <summary>Which frame ids the pages used, checked against the frame table once it is read.</summary>
    private struct FrameIdUse
    {
        public ulong Max;
        public bool Hidden;

        /// <summary>Some page is marked as PAGEMAP_SCAN's zero page.</summary>
        public bool ScannedZero;

        public void Note(ulong id)
        {
            Max = Math.Max(Max, id);
            Hidden |= id == 0;
        }
    }
}
