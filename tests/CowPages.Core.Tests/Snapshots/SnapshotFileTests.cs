using System;
using System.Buffers.Binary;
using System.IO;
using System.Linq;
using System.Text;
using CsCheck;
using Xunit;

namespace CowPages.Core.Tests.Snapshots;

/// <summary>
/// The snapshot file: an image written and read back is the same image, and a file that is truncated, damaged, of a
/// newer format or not a snapshot at all gives one ProcfsException naming the file and the fault, never a crash or a
/// wrong number. The damage is done by property-based tests to a real file: to its bytes (the checksum catches it), and
/// to its decompressed body, resealed with a correct checksum, which reaches every bound the reader checks.
/// </summary>
public sealed class SnapshotFileTests : IDisposable
{
    private readonly SnapshotFiles _files = new();
    private readonly string _path;
    private readonly byte[] _bytes;

    public SnapshotFileTests()
    {
        _path = _files.PathOf("family.cowsnap");
        SnapshotWriter.Write(SyntheticSnapshot.Create(), _path);
        _bytes = File.ReadAllBytes(_path);
    }

    public void Dispose() => _files.Dispose();

    [Fact]
    public void AnImageReadsBackAsItWasWritten()
    {
        SnapshotImage written = SyntheticSnapshot.Create();
        SnapshotImage read = SnapshotReader.Read(_path);
        AssertSame(written, read);
    }

    [Fact]
    public void AnImageWithoutFramesReadsBackWithoutFrames()
    {
        string path = _files.PathOf("hidden.cowsnap");
        SnapshotWriter.Write(SyntheticSnapshot.Create(framesVisible: false), path);
        SnapshotImage read = SnapshotReader.Read(path);
        Assert.Null(read.Frames);
        AssertSame(SyntheticSnapshot.Create(framesVisible: false), read);
    }

    [Fact]
    public void ASparseReservationStaysSmallOnDiskAndInMemory()
    {
        // 64 GiB reserved, 1% touched in runs of 512 pages: 16 Mi words, of which 167 Ki are stored as words.
        const ulong pages = 64UL << 18;
        var builder = new PagemapImageBuilder();
        builder.Skip(0x7f0000000);
        ulong touched = 0, runs = pages / 51_200;
        for (ulong run = 0; run < runs; run++)
        {
            for (int i = 0; i < 512; i++)
            {
                builder.Add(SyntheticSnapshot.Present | SyntheticSnapshot.Exclusive | (1 + touched++));
            }
            builder.AddRun(0, 51_200 - 512);
        }
        var process = new ProcessImage(7, Encoding.UTF8.GetBytes("Name:\tsparse\nPPid:\t1\n"), Array.Empty<byte>(), Array.Empty<byte>(),
            Array.Empty<byte>(), Array.Empty<AddressRange>(), builder.Build());
        var frames = new FrameTable(new ulong[touched], new ulong[touched], null);
        var kernel = new SnapshotKernel("test", "6.18", "host", DateTimeOffset.UnixEpoch, 4096, true, 0);
        string path = _files.PathOf("sparse.cowsnap");
        long length = SnapshotWriter.Write(new SnapshotImage(kernel, new[] { process }, frames), path);

        SnapshotImage read = SnapshotReader.Read(path);
        PagemapImage pagemap = read.Processes[0].Pagemap;
        Assert.Equal(pagemap.StoredPages, process.Pagemap.StoredPages);
        // The touched words, and the first hole after each run (a literal, the rest of the run repeats it).
        Assert.InRange(pagemap.WordsInMemory, (long)touched, (long)(touched + runs));
        Assert.True(length < (long)touched * 2, $"{length} bytes for {touched} resident pages");
    }

    [Fact]
    public void AColumnWithMoreDistinctWordsThanADictionaryHoldsReadsBackTheSame()
    {
        // kpagecgroup words are dictionary-coded until the 65,537th distinct one; then the column turns into plain words.
        const int frames = SnapshotFormat.MaxDictionary + 10;
        ulong[] flags = new ulong[frames], counts = new ulong[frames], cgroups = new ulong[frames];
        for (int i = 0; i < frames; i++)
        {
            flags[i] = (ulong)(i % 7);
            counts[i] = (ulong)i;
            cgroups[i] = (ulong)i * 3 + 1;
        }
        var kernel = new SnapshotKernel("test", "6.18", "host", DateTimeOffset.UnixEpoch, 4096, true, 5);
        string path = _files.PathOf("columns.cowsnap");
        SnapshotWriter.Write(new SnapshotImage(kernel, Array.Empty<ProcessImage>(), new FrameTable(flags, counts, cgroups)), path);
        FrameTable read = SnapshotReader.Read(path).Frames!;
        Assert.Equal(flags, read.Column(FrameFields.Flags));
        Assert.Equal(counts, read.Column(FrameFields.MapCount));
        Assert.Equal(cgroups, read.Column(FrameFields.Cgroup));
    }

    [Fact]
    public void AMissingFileIsNotFound()
    {
        var e = Assert.Throws<ProcfsException>(() => SnapshotReader.Read(_files.PathOf("absent.cowsnap")));
        Assert.Equal(ProcfsErrorKind.NotFound, e.Kind);
        Assert.Contains(_files.PathOf("absent.cowsnap"), e.Message);
    }

    [Theory]
    [InlineData("", "not a CowPages snapshot")]
    [InlineData("PK\u0003\u0004 a zip file", "not a CowPages snapshot")]
    [InlineData("COWSNAP\n", "truncated")]
    public void AFileThatIsNoSnapshotSaysSo(string content, string fault)
    {
        File.WriteAllText(_path, content);
        AssertMalformed(fault);
    }

    [Fact]
    public void ANewerFormatAsksForANewerCowPages()
    {
        BinaryPrimitives.WriteUInt32LittleEndian(_bytes.AsSpan(8), SnapshotFormat.Version + 1);
        SnapshotFiles.Reseal(_bytes);
        File.WriteAllBytes(_path, _bytes);
        AssertMalformed($"format version {SnapshotFormat.Version + 1}, newer than the newest this CowPages reads ({SnapshotFormat.Version})");
    }

    [Fact]
    public void EveryTruncationIsCaught()
    {
        Gen.Int[0, _bytes.Length - 1].Sample(length =>
            AssertMalformed(_bytes[..length], length < 8 ? "not a CowPages snapshot" : length < 32 ? "truncated" : "damaged or truncated"),
            iter: 1_000);
    }

    [Fact]
    public void EveryDamagedByteIsCaughtByTheChecksum()
    {
        Gen.Select(Gen.Int[8, _bytes.Length - 1], Gen.Byte[1, 255]).Sample((at, flip) =>
        {
            byte[] damaged = (byte[])_bytes.Clone();
            damaged[at] ^= flip;
            AssertMalformed(damaged, at is >= 8 and < 12 ? "format version" : "damaged or truncated");
        }, iter: 2_000);
    }

    [Fact]
    public void AnUndamagedBodyResealedReadsTheSame()
    {
        File.WriteAllBytes(_path, SnapshotFiles.Package(SnapshotFiles.Unpack(_bytes)));
        AssertSame(SyntheticSnapshot.Create(), SnapshotReader.Read(_path));
    }

    /// <summary>
    /// Damage behind a valid checksum, as a bug or a hand-made file would bring: any byte changed, bytes cut out or
    /// added. Reading must fail as Malformed, or succeed; and a file that reads must not crash any analysis.
    /// </summary>
    [Fact]
    public void DamageBehindAValidChecksumFailsCleanlyOrReadsAsAValidSnapshot()
    {
        byte[] body = SnapshotFiles.Unpack(_bytes);
        Gen<byte[]> damaged = Gen.OneOf(
            Gen.Select(Gen.Int[0, body.Length - 1], Gen.Byte[1, 255]).Select((at, flip) =>
            {
                byte[] copy = (byte[])body.Clone();
                copy[at] ^= flip;
                return copy;
            }),
            Gen.Select(Gen.Int[0, body.Length - 1], Gen.Int[1, 64]).Select((at, cut) =>
                body[..at].Concat(body[Math.Min(body.Length, at + cut)..]).ToArray()),
            Gen.Select(Gen.Int[0, body.Length], Gen.Byte.Array[1, 16]).Select((at, extra) =>
                body[..at].Concat(extra).Concat(body[at..]).ToArray()));
        int read = 0;
        damaged.Sample(bytes =>
        {
            SnapshotSource source;
            try
            {
                source = new SnapshotSource(_path, SnapshotReader.Read(new MemoryStream(SnapshotFiles.Package(bytes)), _path));
            }
            catch (ProcfsException e)
            {
                Assert.Equal(ProcfsErrorKind.Malformed, e.Kind);
                Assert.StartsWith($"cannot parse {_path}: ", e.Message);
                return;
            }
            read++;
            RunEveryAnalysis(source);
        }, iter: 500, threads: 1);
        // Much damage is caught; some (a changed text byte, a changed flag) yields a different but valid snapshot.
        Assert.InRange(read, 1, 450);
    }

    [Fact]
    public void DamagedFieldsAreNamed()
    {
        // Each hand-made body breaks one rule; the message names it.
        AssertBodyRejected(b => { b.WriteByte(7); }, "unknown tag 7");
        AssertBodyRejected(b => { Process(b, 5, "3"); Process(b, 5, "3"); End(b); }, "process 5 is stored twice");
        AssertBodyRejected(b => { Process(b, 5, "3"); End(b); }, "the snapshot holds no frames");
        AssertBodyRejected(b => { Process(b, 5, "3"); End(b, frames: 2); }, "frame id 3, beyond the 2 frames");
        AssertBodyRejected(b => { Process(b, 5, "gap"); End(b); }, "past the user address space");
        AssertBodyRejected(b => { Process(b, 5, "header"); End(b); }, "unknown header");
        AssertBodyRejected(b => { Process(b, 0, "3"); End(b); }, "a process has ID 0");
        AssertBodyRejected(b => { End(b, frames: 4); b.WriteByte(0); }, "1 bytes follow the last section");
        AssertBodyRejected(b => { Process(b, 5, "absent zero"); End(b); }, "marked as the zero page but is not present");
        AssertBodyRejected(b => { Process(b, 5, "zero", frameId: 1); End(b, frames: 4); }, "only a snapshot without frames records");
        AssertBodyRejected(b => { Process(b, 5, "zero", SnapshotFormat.ScanMissing); End(b); }, "captured without PAGEMAP_SCAN");
        AssertBodyRejected(b => { Process(b, 5, "0", scan: 2); End(b); }, "scan marker is 2");
    }

    [Fact]
    public void UnknownKernelQuirksAreRejected()
    {
        var body = new SnapshotBuffer();
        body.WriteString("CowPages test");
        body.WriteString("6.18.44-test");
        body.WriteString("testhost");
        body.WriteSigned(0);
        body.WriteVarint(4096);
        body.WriteVarint(2);
        End(body);
        AssertMalformed(SnapshotFiles.Package(body.Written.ToArray()), "quirks 2 hold bits this CowPages does not know");
    }

    [Fact]
    public void ADevelopmentVersionOneFileIsRefusedWithAReason()
    {
        BinaryPrimitives.WriteUInt32LittleEndian(_bytes.AsSpan(8), SnapshotFormat.FirstVersion);
        SnapshotFiles.Reseal(_bytes);
        File.WriteAllBytes(_path, _bytes);
        AssertMalformed("format version 1, which a development build of CowPages wrote");
        AssertMalformed("take the snapshot again");
    }

    [Fact]
    public void AFileWithoutFramesKeepsTheZeroPagesThatPagemapScanSaw()
    {
        var body = new SnapshotBuffer();
        SnapshotFiles.WriteKernelFacts(body);
        Process(body, 5, "zero");
        End(body);
        SnapshotImage image = SnapshotFiles.ReadBody(body.Written.ToArray());
        Assert.Equal(1UL, image.Processes[0].Pagemap.ScannedZeroPages);
        Assert.Null(image.Frames);
    }

    private static void Process(SnapshotBuffer body, int pid, string pagemap, byte scan = SnapshotFormat.ScanAvailable, long frameId = 0)
    {
        body.WriteByte(SnapshotFormat.ProcessTag);
        body.WriteVarint((ulong)pid);
        body.WriteBytes("Name:\tx\nPPid:\t1\n"u8);
        body.WriteBytes("00400000-00401000 r--p 00000000 00:00 0\n"u8);
        body.WriteBytes(ReadOnlySpan<byte>.Empty);
        body.WriteBytes(ReadOnlySpan<byte>.Empty);
        SnapshotFiles.WriteProcessFacts(body, scan);
        switch (pagemap)
        {
            case "zero":
                // A present page, frame hidden, that PAGEMAP_SCAN saw as the zero page.
                body.WriteVarint((0x400UL << 2) | SnapshotFormat.GapToken);
                body.WriteVarint(((SyntheticSnapshot.Present >> 55 | SnapshotFormat.ScanZeroBit) << 2) | SnapshotFormat.LiteralToken);
                body.WriteSigned(frameId);
                break;
            case "absent zero":
                body.WriteVarint((0x400UL << 2) | SnapshotFormat.GapToken);
                body.WriteVarint((SnapshotFormat.ScanZeroBit << 2) | SnapshotFormat.LiteralToken);
                body.WriteVarint(0);
                break;
            case "gap":
                body.WriteVarint((SnapshotFormat.UserPages + 1) << 2 | SnapshotFormat.GapToken);
                break;
            case "header":
                body.WriteVarint((SnapshotFormat.MaxLiteralHeader + 1) << 2 | SnapshotFormat.LiteralToken);
                break;
            default:
                body.WriteVarint((0x400UL << 2) | SnapshotFormat.GapToken);
                body.WriteVarint(((SyntheticSnapshot.Present >> 55) << 2) | SnapshotFormat.LiteralToken);
                body.WriteSigned(long.Parse(pagemap));
                break;
        }
        body.WriteVarint(SnapshotFormat.EndToken);
    }

    private static void End(SnapshotBuffer body, int frames = -1)
    {
        body.WriteByte(SnapshotFormat.EndOfProcessesTag);
        if (frames < 0)
        {
            body.WriteByte(0);
            return;
        }
        body.WriteByte(1);
        body.WriteVarint(0);
        body.WriteVarint((ulong)frames);
        body.WriteVarint((ulong)FrameFields.Flags);
        body.WriteByte(0);
        for (int i = 0; i < frames; i++)
        {
            body.WriteVarint(0);
        }
    }

    private void AssertBodyRejected(Action<SnapshotBuffer> write, string fault)
    {
        var body = new SnapshotBuffer();
        SnapshotFiles.WriteKernelFacts(body);
        write(body);
        AssertMalformed(SnapshotFiles.Package(body.Written.ToArray()), fault);
    }

    /// <summary>The same check on bytes in memory: the file system is slow on a busy machine, and the reader is the same.</summary>
    private void AssertMalformed(byte[] bytes, string fault)
    {
        var e = Assert.Throws<ProcfsException>(() => SnapshotReader.Read(new MemoryStream(bytes), _path));
        Assert.Equal(ProcfsErrorKind.Malformed, e.Kind);
        Assert.Equal(_path, e.Path);
        Assert.StartsWith($"cannot parse {_path}: ", e.Message);
        Assert.Contains(fault, e.Message);
    }

    private void AssertMalformed(string fault)
    {
        var e = Assert.Throws<ProcfsException>(() => SnapshotSource.Open(_path));
        Assert.Equal(ProcfsErrorKind.Malformed, e.Kind);
        Assert.Equal(_path, e.Path);
        Assert.StartsWith($"cannot parse {_path}: ", e.Message);
        Assert.Contains(fault, e.Message);
    }

    /// <summary>
    /// Every analysis over every process: a snapshot that reads must give results or ProcfsExceptions only. The per-page
    /// ones stop after 50,000 objects: damaged maps can describe terabytes, which are walked correctly but slowly.
    /// </summary>
    private static void RunEveryAnalysis(SnapshotSource source)
    {
        foreach (int pid in source.ProcessIds())
        {
            Tolerate(() => PageMapQuery.Entries(source, pid, PageSelection.All, false, NullScanObserver.Instance).Take(50_000).Count());
            Tolerate(() => PageMapQuery.Entries(source, pid, PageSelection.All, true, NullScanObserver.Instance).Take(50_000).Count());
            Tolerate(() => ForkAnalysis.ComparePages(source, pid, null, PageSelection.All, NullScanObserver.Instance).Take(50_000).Count());
        }
        foreach (CowMethod? method in new CowMethod?[] { null, CowMethod.ExclusiveBit })
        {
            using CowSummarizer summarizer = CowSummarizer.Create(source, method);
            foreach (int pid in source.ProcessIds())
            {
                Tolerate(() => summarizer.Summarize(pid, true, NullScanObserver.Instance).Count());
            }
        }
        if (source.FramesVisible)
        {
            using FrameQuery frames = FrameQuery.Open(source);
            Assert.Equal(source.Image.Frames!.Count + 1, frames.Range(0, ulong.MaxValue, null, NullScanObserver.Instance).Count());
        }
    }

    private static void Tolerate(Func<int> analysis)
    {
        try
        {
            analysis();
        }
        catch (ProcfsException)
        {
        }
    }

    private static void AssertSame(SnapshotImage expected, SnapshotImage actual)
    {
        Assert.Equal(expected.Kernel.Release, actual.Kernel.Release);
        Assert.Equal(expected.Kernel.HostName, actual.Kernel.HostName);
        Assert.Equal(expected.Kernel.Writer, actual.Kernel.Writer);
        Assert.Equal(expected.Kernel.CapturedAt, actual.Kernel.CapturedAt);
        Assert.Equal(expected.Kernel.FramesVisible, actual.Kernel.FramesVisible);
        Assert.Equal(expected.Kernel.ZeroFrameId, actual.Kernel.ZeroFrameId);
        Assert.Equal(expected.Kernel.Quirks, actual.Kernel.Quirks);
        Assert.Equal(expected.Processes.Count, actual.Processes.Count);
        for (int i = 0; i < expected.Processes.Count; i++)
        {
            ProcessImage e = expected.Processes[i], a = actual.Processes[i];
            Assert.Equal(e.ProcessId, a.ProcessId);
            Assert.Equal(e.Status, a.Status);
            Assert.Equal(e.Maps, a.Maps);
            Assert.Equal(e.SmapsRollup, a.SmapsRollup);
            Assert.Equal(e.Smaps, a.Smaps);
            Assert.Equal(e.ChangedRanges, a.ChangedRanges);
            Assert.Equal(e.KsmMergingPages, a.KsmMergingPages);
            Assert.Equal(e.CanScan, a.CanScan);
            Assert.Equal(e.Pagemap.StoredPages, a.Pagemap.StoredPages);
            Assert.Equal(e.Pagemap.ZeroRuns, a.Pagemap.ZeroRuns);
            foreach ((ulong start, ulong end, _) in SyntheticSnapshot.Mappings)
            {
                int pages = (int)((end - start) >> 12);
                Assert.Equal(SnapshotEncodingTests.ReadAll(e.Pagemap, start >> 12, pages), SnapshotEncodingTests.ReadAll(a.Pagemap, start >> 12, pages));
            }
        }
        if (expected.Frames is FrameTable frames)
        {
            Assert.NotNull(actual.Frames);
            Assert.Equal(frames.Fields, actual.Frames!.Fields);
            foreach (FrameFields field in new[] { FrameFields.Flags, FrameFields.MapCount, FrameFields.Cgroup })
            {
                Assert.Equal(frames.Column(field), actual.Frames.Column(field));
            }
        }
    }
}
