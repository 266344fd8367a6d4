using System;
using System.Runtime.InteropServices;
using BenchmarkDotNet.Attributes;
using CowPages.Decoding;
using CowPages.Frames;
using CowPages.Sources;
using CowPages.Sources.Live;
using CowPages.Walk;

namespace CowPages.Core.Benchmarks;

/// <summary>
/// Range reads against the live kernel, through the same source the cmdlets use: this process's pagemap over a
/// resident buffer it owns (any user), plainly and through a PageWalker, and, as root, FrameReader.Lookup of that
/// buffer's frames in /proc/kpageflags and /proc/kpagecount. Without root the kpage* benchmarks return at once
/// (BenchmarkDotNet then reports their near-zero time).
/// </summary>
[MemoryDiagnoser]
public class RangeReadBenchmarks
{
    private const int Pages = PageWalker.DefaultChunkPages;

    private IntPtr _memory;
    private LiveProcfsSource? _procfs;
    private IProcessSource? _self;
    private PageSelection? _buffer;
    private FrameReader? _frames;
    private readonly ulong[] _words = new ulong[Pages];
    private ulong[] _pfns = Array.Empty<ulong>();
    private readonly FrameInfo[] _results = new FrameInfo[Pages];

    [GlobalSetup]
    public unsafe void Setup()
    {
        // 512 MiB written page by page, so that every page of the range is resident when it is read.
        _memory = Marshal.AllocHGlobal((nint)Pages * (nint)PageGeometry.PageSize);
        byte* bytes = (byte*)_memory;
        for (long i = 0; i < Pages; i++)
        {
            bytes[i * (long)PageGeometry.PageSize] = (byte)i;
        }
        _procfs = LiveProcfsSource.Open();
        _self = _procfs.OpenProcess(Environment.ProcessId);
        _buffer = new PageSelection(null, (ulong)_memory, Pages);
        if (_procfs.FramesVisible)
        {
            _frames = FrameReader.Open(_procfs, FrameFields.Flags | FrameFields.MapCount);
            ReadPagemap();
            _pfns = Array.ConvertAll(_words, w => new PagemapWord(w).Pfn);
        }
    }

    [Benchmark(Description = "IProcessSource.ReadPagemap: 1 MiB of pagemap (128 Ki resident pages)")]
    public int ReadPagemap() => _self!.ReadPagemap(PageGeometry.PageOf((ulong)_memory), _words);

    /// <summary>
    /// The same pages as an analysis reads them: maps parsed, the range chunked, each chunk's mapping re-checked. The
    /// words are not decoded (DecodeBenchmarks does that), so the difference to ReadPagemap is the walker's own cost.
    /// </summary>
    [Benchmark(Description = "PageWalker.Chunks: the same 128 Ki pages, maps and still-mapped probe included")]
    public long WalkPagemap()
    {
        using PageWalker walker = PageWalker.Open(_self!, _buffer!);
        long pages = 0;
        foreach (PagemapChunk chunk in walker.Chunks())
        {
            pages += chunk.Count;
        }
        return pages;
    }

    [Benchmark(Description = "FrameReader.Lookup: 128 Ki frames, flags + map count (root)")]
    public int LookupFrames()
    {
        if (_frames is null)
        {
            return 0;
        }
        _frames.Lookup(_pfns, _results);
        return _results.Length;
    }

    [Benchmark(Description = "FrameReader.ReadRange: 64 Ki consecutive frames (root)")]
    public int ReadFrameRange() => _frames?.ReadRange(0x100000, _results.AsSpan(0, 65536)) ?? 0;

    [GlobalCleanup]
    public void Cleanup()
    {
        _frames?.Dispose();
        _self?.Dispose();
        _procfs?.Dispose();
        Marshal.FreeHGlobal(_memory);
    }
}
