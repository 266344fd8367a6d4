using System;
using System.Text;
using CowPages.Decoding;
using CsCheck;
using Xunit;

namespace CowPages.Core.Tests;

// The decoders face whatever the kernel (or a future kernel) prints; these check the invariants the
// cmdlets rely on over inputs no one would think to write by hand.
public class ParserPropertyTests
{
    private const ulong FrameMask = (1UL << 55) - 1;

    // A real line, mutated below so that random input reaches the later fields, not just the first '-'.
    private static readonly byte[] Template =
        Encoding.ASCII.GetBytes("7f0133000000-7f0133100000 rw-s 00001000 00:01 3074                       /memfd:buf (deleted)");

    [Fact]
    public void PagemapWordFieldsAreConsistent()
    {
        Gen.ULong.Sample(raw =>
        {
            var w = new PagemapWord(raw);
            Assert.Equal(raw, w.Raw);
            if (!w.Present)
            {
                Assert.Equal(0UL, w.Pfn);
            }
            else
            {
                Assert.Equal(raw & FrameMask, w.Pfn);
            }
            if (w.Swapped && !w.Present)
            {
                Assert.Equal(raw & FrameMask, (w.SwapOffset << 5) | w.SwapType);
                Assert.True(w.SwapType < 32);
            }
            else
            {
                Assert.Equal(0u, w.SwapType);
                Assert.Equal(0UL, w.SwapOffset);
            }
            Assert.Equal(!w.Present && !w.Swapped, w.Empty);
        }, iter: 100_000);
    }

    [Fact]
    public void MapsParseOfArbitraryBytesFailsOnlyAsMalformed()
    {
        Gen.Byte.Array.Sample(ParseOrMalformed, iter: 20_000);
    }

    [Fact]
    public void MapsParseOfArbitraryStringsFailsOnlyAsMalformed()
    {
        Gen.String.Sample(s => ParseOrMalformed(Encoding.UTF8.GetBytes(s)), iter: 20_000);
    }

    [Fact]
    public void MapsParseOfMutatedLinesFailsOnlyAsMalformed()
    {
        // Replace a random slice of a valid line with random bytes drawn mostly from the maps alphabet.
        Gen<byte[]> noise = Gen.Frequency(
            (4, Gen.Char["0123456789abcdef-: rwxps\n"].Select(c => (byte)c)),
            (1, Gen.Byte)).Array[0, 8];
        Gen.Select(Gen.Int[0, Template.Length], Gen.Int[0, 8], noise).Sample((at, cut, insert) =>
        {
            int end = Math.Min(Template.Length, at + cut);
            byte[] line = [.. Template.AsSpan(0, at), .. insert, .. Template.AsSpan(end)];
            ParseOrMalformed(line);
        }, iter: 50_000);
    }

    [Fact]
    public void WellFormedLinesRoundTrip()
    {
        Gen<string> path = Gen.String[Gen.Char["abcXYZ019 ._-:/[]"], 0, 24].Select(p => "/" + p);
        Gen.Select(Gen.ULong, Gen.ULong, Gen.Char["r-"], Gen.Char["w-"], Gen.Char["x-"], Gen.Char["ps"], Gen.ULong, path)
            .Sample((a, b, r, w, x, s, inode, file) =>
            {
                ulong start = Math.Min(a, b), end = Math.Max(a, b);
                string perms = $"{r}{w}{x}{s}";
                string line = $"{start:x8}-{end:x8} {perms} {a ^ b:x8} fe:01 {inode}{new string(' ', (int)(inode % 30))} {file}";
                MemoryMapping m = MapsLineParser.Parse(Encoding.UTF8.GetBytes(line));
                Assert.Equal(start, m.Start);
                Assert.Equal(end, m.End);
                Assert.Equal(perms, m.Permissions);
                Assert.Equal(a ^ b, m.Offset);
                Assert.Equal("fe:01", m.Device);
                Assert.Equal(inode, m.Inode);
                Assert.Equal(file, m.Path);
                Assert.False(m.Deleted);
                Assert.Equal(s == 's', m.IsShared);
                Assert.Equal(s == 'p', m.IsPrivate);
            }, iter: 20_000);
    }

    private static void ParseOrMalformed(byte[] text)
    {
        try
        {
            foreach (MemoryMapping m in MapsParser.Parse(text, "/proc/1/maps", 1))
            {
                // Whatever is accepted must still be a range with kernel-shaped permissions.
                Assert.True(m.End >= m.Start);
                Assert.Equal(4, m.Permissions.Length);
            }
        }
        catch (ProcfsException e)
        {
            Assert.Equal(ProcfsErrorKind.Malformed, e.Kind);
        }
    }
}
