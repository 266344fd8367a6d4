using BenchmarkDotNet.Attributes;
using CowPages.Decoding;
using CowPages.Frames;
using CowPages.Summary;
using CowPages.Walk;

namespace CowPages.Core.Benchmarks;

/// <summary>Entry decoding: one chunk (1 MiB of pagemap) through the decoders and the summary's accumulators, no I/O.</summary>
[MemoryDiagnoser]
public class DecodeBenchmarks
{
    private ulong[] _words = System.Array.Empty<ulong>();
    private FrameInfo[] _frames = System.Array.Empty<FrameInfo>();

    [GlobalSetup]
    public void Setup()
    {
        _words = SyntheticPagemap.Words(PageWalker.DefaultChunkPages);
        _frames = new FrameInfo[_words.Length];
        for (int i = 0; i < _frames.Length; i++)
        {
            _frames[i] = new FrameInfo { Flags = 1UL << 12, MapCount = (ulong)(i % 3 == 0 ? 1 : 2), Found = true };
        }
    }

    [Benchmark(Description = "PagemapWord: present, PFN, exclusive")]
    public ulong DecodeWords()
    {
        ulong sum = 0;
        foreach (ulong raw in _words)
        {
            var word = new PagemapWord(raw);
            if (word.Present && !word.Exclusive)
            {
                sum += word.Pfn;
            }
        }
        return sum;
    }

    [Benchmark(Description = "CowCounters.AddFromFlags (no root)")]
    public ulong AddFromFlags()
    {
        var counters = new CowCounters();
        foreach (ulong raw in _words)
        {
            counters.AddFromFlags(new PagemapWord(raw), fileBacked: false, shmemMapping: false);
        }
        return counters.CowPrivate;
    }

    [Benchmark(Description = "CowCounters.AddExact (root, frames given)")]
    public ulong AddExact()
    {
        var counters = new CowCounters();
        for (int i = 0; i < _words.Length; i++)
        {
            counters.AddExact(new PagemapWord(_words[i]), _frames[i], zeroPfn: 0, fileBacked: false);
        }
        return counters.PssFixed;
    }
}
