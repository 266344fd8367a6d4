using System;
using System.Runtime.InteropServices;
using BenchmarkDotNet.Attributes;
using CowPages.Analysis;
using CowPages.Reading;

namespace CowPages.Core.Benchmarks;

/// <summary>
/// Range reads against the live kernel: this process's pagemap over a resident buffer it owns (any user), and, as
/// root, FrameReader.Lookup of that buffer's frames in /proc/kpageflags and /proc/kpagecount. Without root the
/// kpage* benchmarks return at once (BenchmarkDotNet then reports their near-zero time).
/// </summary>
[MemoryDiagnoser]
public class RangeReadBenchmarks
{
    private const int Pages = PageWalker.DefaultChunkPages;

    private IntPtr _memory;
    private PagemapReader? _pagemap;
    private FrameReader? _frames;
    private readonly ulong[] _words = new ulong[Pages];
    private ulong[] _pfns = Array.Empty<ulong>();
    private readonly FrameInfo[] _results = new FrameInfo[Pages];

    [GlobalSetup]
    public unsafe void Setup()
    {
        // 512 MiB written page by page, so that every page of the range is resident when it is read.
        _memory = Marshal.AllocHGlobal((nint)Pages * 4096);
        byte* bytes = (byte*)_memory;
        for (long i = 0; i < Pages; i++)
        {
            bytes[i * 4096] = (byte)i;
        }
        _pagemap = PagemapReader.Open(Environment.ProcessId);
        if (Privilege.HasSysAdmin)
        {
            _frames = FrameReader.Open(FrameFields.Flags | FrameFields.MapCount);
            ReadPagemap();
            _pfns = Array.ConvertAll(_words, w => new Decoding.PagemapWord(w).Pfn);
        }
    }

    [Benchmark(Description = "PagemapReader.Read: 1 MiB of pagemap (128 Ki resident pages)")]
    public int ReadPagemap() => _pagemap!.Read((ulong)_memory >> PagemapReader.PageShift, _words);

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
        _pagemap?.Dispose();
        Marshal.FreeHGlobal(_memory);
    }
}
