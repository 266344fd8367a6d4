using System;
using BenchmarkDotNet.Attributes;
using CowPages.Frames;
using CowPages.Walk;

namespace CowPages.Core.Benchmarks;

/// <summary>
/// PFN sort and merge: what FrameReader.Lookup does before its reads. The reader's own row runs Lookup over an
/// in-memory kpageflags (SyntheticFrames), so it measures the reader's radix sort, window merge and scatter with no
/// I/O. The baseline is the sort the reader used before (Array.Sort of keys with an index array), and a plain sort of
/// packed keys sits between the two; both merge with the reader's gap (4 frames) and window limit (64 Ki frames).
/// </summary>
[MemoryDiagnoser]
public class SortMergeBenchmarks
{
    // FrameReader.MaxGap and MaxWindow (internal): the references must merge as the reader does.
    private const int MaxGap = 4;
    private const int MaxWindow = 65536;

    private ulong[] _pfns = Array.Empty<ulong>();
    private ulong[] _keys = Array.Empty<ulong>();
    private int[] _index = Array.Empty<int>();
    private FrameInfo[] _results = Array.Empty<FrameInfo>();
    private FrameReader? _reader;

    [Params(512, PageWalker.DefaultChunkPages)]
    public int Count { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _pfns = SyntheticPagemap.Pfns(Count);
        _keys = new ulong[Count];
        _index = new int[Count];
        _results = new FrameInfo[Count];
        _reader = new FrameReader(new SyntheticFrames());
    }

    [GlobalCleanup]
    public void Cleanup() => _reader?.Dispose();

    [Benchmark(Baseline = true, Description = "Array.Sort(keys, index) + merge (FrameReader's way before PfnSorter)")]
    public int SortWithIndex()
    {
        _pfns.CopyTo(_keys, 0);
        for (int i = 0; i < _index.Length; i++)
        {
            _index[i] = i;
        }
        Array.Sort(_keys, _index, 0, _keys.Length);
        return CountWindows(_keys);
    }

    [Benchmark(Description = "Array.Sort(packed PFN << 20 | index) + merge")]
    public int SortPacked()
    {
        for (int i = 0; i < _pfns.Length; i++)
        {
            _keys[i] = (_pfns[i] << 20) | (uint)i;
        }
        Array.Sort(_keys);
        int windows = 0;
        int first = 0;
        while (first < _keys.Length)
        {
            ulong start = _keys[first] >> 20;
            int last = first;
            while (last + 1 < _keys.Length && (_keys[last + 1] >> 20) - (_keys[last] >> 20) <= MaxGap && (_keys[last + 1] >> 20) - start < MaxWindow)
            {
                last++;
            }
            windows++;
            first = last + 1;
        }
        return windows;
    }

    /// <summary>The reader itself: radix sort of packed keys, merge, and each window's flags scattered to its PFNs.</summary>
    [Benchmark(Description = "FrameReader.Lookup over in-memory kpageflags (radix sort + merge + scatter)")]
    public ulong ReaderLookup()
    {
        _reader!.Lookup(_pfns, _results);
        return _results[0].Flags + _results[^1].Flags;
    }

    private static int CountWindows(ulong[] sorted)
    {
        int windows = 0;
        int first = 0;
        while (first < sorted.Length)
        {
            ulong start = sorted[first];
            int last = first;
            while (last + 1 < sorted.Length && sorted[last + 1] - sorted[last] <= MaxGap && sorted[last + 1] - start < MaxWindow)
            {
                last++;
            }
            windows++;
            first = last + 1;
        }
        return windows;
    }
}
