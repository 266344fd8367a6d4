using System;
using BenchmarkDotNet.Attributes;
using CowPages.Analysis;

namespace CowPages.Core.Benchmarks;

/// <summary>
/// PFN sort and merge: what FrameReader.Lookup does before its reads. The reader's own sort is private, so this runs the
/// same steps on synthetic PFNs: a key/index sort (Array.Sort with items, as the reader does) or a sort of packed
/// keys, then the window merge with the reader's gap (64 frames) and window limit (64 Ki frames).
/// </summary>
[MemoryDiagnoser]
public class SortMergeBenchmarks
{
    private const int MaxGap = 4;
    private const int MaxWindow = 65536;

    private ulong[] _pfns = Array.Empty<ulong>();
    private ulong[] _keys = Array.Empty<ulong>();
    private int[] _index = Array.Empty<int>();

    [Params(512, PageWalker.DefaultChunkPages)]
    public int Count { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _pfns = SyntheticPagemap.Pfns(Count);
        _keys = new ulong[Count];
        _index = new int[Count];
    }

    [Benchmark(Baseline = true, Description = "Array.Sort(keys, index) + merge (FrameReader's way)")]
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
