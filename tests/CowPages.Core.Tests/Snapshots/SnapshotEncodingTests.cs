using System;
using System.Collections.Generic;
using System.IO;
using System.IO.Compression;
using System.Linq;
using CsCheck;
using Xunit;

namespace CowPages.Core.Tests.Snapshots;

/// <summary>The format's building blocks: varints, zigzag, CRC-32 and the pagemap tokens.</summary>
public class SnapshotEncodingTests
{
    [Fact]
    public void Crc32IsTheOneZlibAndPngUse()
    {
        // The standard check value of CRC-32/ISO-HDLC.
        Assert.Equal(0xCBF43926u, Crc32.Compute("123456789"u8));
        Assert.Equal(0u, Crc32.Compute(ReadOnlySpan<byte>.Empty));
    }

    [Fact]
    public void Crc32GivesTheSameValueWhateverTheSplit()
    {
        Gen.Select(Gen.Byte.Array[0, 300], Gen.Int[0, 300]).Sample((bytes, cut) =>
        {
            cut = Math.Min(cut, bytes.Length);
            var crc = new Crc32();
            crc.Append(bytes.AsSpan(0, cut));
            crc.Append(bytes.AsSpan(cut));
            Assert.Equal(Crc32.Compute(bytes), crc.Value);
            Assert.Equal(BitwiseCrc(bytes), crc.Value);
        }, iter: 2_000);
    }

    [Fact]
    public void VarintsAndZigzagRoundTrip()
    {
        Gen.Select(Gen.ULong, Gen.Long).Sample((unsigned, signed) =>
        {
            var buffer = new SnapshotBuffer();
            buffer.WriteVarint(unsigned);
            buffer.WriteSigned(signed);
            buffer.WriteUInt64(unsigned);
            var reader = Reader(buffer.Written.ToArray());
            Assert.Equal(unsigned, reader.ReadVarint("u"));
            Assert.Equal(signed, reader.ReadSigned("s"));
            Assert.Equal(unsigned, reader.ReadUInt64());
            reader.ExpectEnd();
        }, iter: 10_000);
    }

    [Fact]
    public void SmallSignedValuesTakeOneByte()
    {
        foreach (long value in new long[] { 0, 1, -1, 63, -64 })
        {
            var buffer = new SnapshotBuffer();
            buffer.WriteSigned(value);
            Assert.Equal(1, buffer.Length);
        }
    }

    [Fact]
    public void AVarintPast64BitsIsRejected()
    {
        byte[] eleven = { 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F };
        var e = Assert.Throws<SnapshotFormatException>(() => Reader(eleven).ReadVarint("a test value"));
        Assert.Contains("overflows 64 bits", e.Message);
    }

    [Fact]
    public void AByteStringLongerThanTheBodyIsRejectedBeforeAnyAllocation()
    {
        var buffer = new SnapshotBuffer();
        buffer.WriteVarint(1UL << 40);
        var e = Assert.Throws<SnapshotFormatException>(() => Reader(buffer.Written.ToArray()).ReadBytes("a text"));
        Assert.Contains("a text is 1099511627776 bytes long", e.Message);
    }

    /// <summary>Words of the kinds pagemap holds, in runs, with frame ids mostly consecutive.</summary>
    private static readonly Gen<ulong[]> PagemapWords = Gen.Frequency(
        (4, Gen.ULong[1, 5000].Select(id => SyntheticSnapshot.Present | id)),
        (2, Gen.ULong[1, 5000].Select(id => SyntheticSnapshot.Present | SyntheticSnapshot.Exclusive | SyntheticSnapshot.File | id)),
        (3, Gen.Const(0UL)),
        (1, Gen.ULong[0, (1UL << 50) - 1].Select(slot => SyntheticSnapshot.Swapped | (slot << 5) | 3)),
        (1, Gen.Const(SyntheticSnapshot.SoftDirty)),
        (1, Gen.Const(SyntheticSnapshot.Swapped | SyntheticSnapshot.Guard)),
        (1, Gen.ULong.Select(raw => raw & ~((1UL << 55) - 1) & ~SyntheticSnapshot.Present)))
        .SelectMany(word => Gen.Int[1, 40].Select(n => Repeat(word, n)))
        .Array[0, 30]
        .Select(runs => runs.SelectMany(r => r).ToArray());

    [Fact]
    public void PagemapTokensRoundTripEveryWord()
    {
        Gen.Select(PagemapWords, PagemapWords, Gen.ULong[0, 1UL << 20]).Sample((first, second, gap) =>
        {
            var tokens = new SnapshotBuffer();
            var encoder = new PagemapEncoder(tokens);
            encoder.Append(7, first);
            ulong secondStart = 7 + (ulong)first.Length + gap;
            encoder.Append(secondStart, second);
            encoder.AppendRun(secondStart + (ulong)second.Length + 3, 1UL << 24, 0);
            encoder.Finish();

            PagemapImage image = DecodeProcess(tokens.Written.ToArray());
            Assert.Equal((ulong)(first.Length + second.Length) + (1UL << 24), image.StoredPages);
            Assert.Equal(first, ReadAll(image, 7, first.Length));
            Assert.Equal(second, ReadAll(image, secondStart, second.Length));
            Assert.All(ReadAll(image, secondStart + (ulong)second.Length, 3), w => Assert.Equal(0UL, w));
            // The 16 Mi-page run of zeros costs a segment, not 128 MiB of words.
            Assert.True(image.WordsInMemory <= first.Length + second.Length, $"{image.WordsInMemory} words in memory");
        }, iter: 500);
    }

    [Fact]
    public void ZeroPageMarksRoundTripAndSplitRepeatsOfTheSameWord()
    {
        // Without frames, a zero page and a shared page have the same word (present, frame hidden): only the mark
        // tells them apart, so a repeat must stop where a mark starts or ends.
        Gen.Select(Gen.Bool.Array[1, 400], Gen.Int[0, 40]).Sample((marks, runLength) =>
        {
            ulong[] words = marks.Select(_ => SyntheticSnapshot.Present).ToArray();
            var tokens = new SnapshotBuffer();
            var encoder = new PagemapEncoder(tokens);
            encoder.Append(100, words, marks);
            encoder.AppendRun(100 + (ulong)words.Length, (ulong)runLength, SyntheticSnapshot.Present, zero: true);
            encoder.Finish();
            PagemapImage image = DecodeHidden(tokens.Written.ToArray());
            var expected = marks.Concat(Enumerable.Repeat(true, runLength)).ToArray();
            var got = new bool[expected.Length];
            image.ZeroPagesOf(100, got);
            Assert.Equal(expected, got);
            Assert.Equal((ulong)expected.Count(m => m), image.ScannedZeroPages);
            Assert.All(ReadAll(image, 100, expected.Length), w => Assert.Equal(SyntheticSnapshot.Present, w));
        }, iter: 500);
    }

    [Fact]
    public void AResidentPageCostsAboutThreeBytesBeforeCompression()
    {
        var words = new ulong[100_000];
        for (int i = 0; i < words.Length; i++)
        {
            words[i] = SyntheticSnapshot.Present | (uint)(i + 1);
        }
        var tokens = new SnapshotBuffer();
        var encoder = new PagemapEncoder(tokens);
        encoder.Append(0x7f0000000, words);
        encoder.Finish();
        Assert.InRange(tokens.Length, words.Length * 3, words.Length * 3 + 16);
    }

    [Fact]
    public void TheEncoderRefusesToGoBackwards()
    {
        var encoder = new PagemapEncoder(new SnapshotBuffer());
        encoder.Append(100, new ulong[] { 1, 2 });
        Assert.Throws<ArgumentOutOfRangeException>(() => encoder.Append(101, new ulong[] { 3 }));
    }

    internal static ulong[] ReadAll(PagemapImage image, ulong firstPage, int count)
    {
        var words = new ulong[count];
        Assert.Equal(count, image.Read(firstPage, words));
        return words;
    }

    /// <summary>Decodes one process's tokens by wrapping them in a minimal valid snapshot and reading it back.</summary>
    internal static PagemapImage DecodeProcess(byte[] tokens)
    {
        SnapshotBuffer body = OneProcessBody(tokens);
        // Frames for every id the generators use, all with empty words.
        body.WriteByte(1);
        body.WriteVarint(0);
        body.WriteVarint(5000);
        body.WriteVarint((ulong)FrameFields.Flags);
        body.WriteByte(0);
        for (int i = 0; i < 5000; i++)
        {
            body.WriteVarint(0);
        }
        SnapshotImage image = SnapshotFiles.ReadBody(body.Written.ToArray());
        return image.Processes[0].Pagemap;
    }

    /// <summary>Decodes one process's tokens in a snapshot without frames, where zero-page marks belong.</summary>
    private static PagemapImage DecodeHidden(byte[] tokens)
    {
        SnapshotBuffer body = OneProcessBody(tokens);
        body.WriteByte(0);
        return SnapshotFiles.ReadBody(body.Written.ToArray()).Processes[0].Pagemap;
    }

    /// <summary>A snapshot body up to its frames: the kernel facts and process 42 with empty texts and these tokens.</summary>
    private static SnapshotBuffer OneProcessBody(byte[] tokens)
    {
        var body = new SnapshotBuffer();
        SnapshotFiles.WriteKernelFacts(body);
        body.WriteByte(SnapshotFormat.ProcessTag);
        body.WriteVarint(42);
        for (int text = 0; text < 4; text++)
        {
            body.WriteBytes(ReadOnlySpan<byte>.Empty);
        }
        SnapshotFiles.WriteProcessFacts(body);
        body.WriteRaw(tokens);
        body.WriteByte(SnapshotFormat.EndOfProcessesTag);
        return body;
    }

    private static SnapshotBodyReader Reader(byte[] bytes) => new(new MemoryStream(bytes), bytes.Length);

    private static ulong[] Repeat(ulong word, int count)
    {
        var words = new ulong[count];
        Array.Fill(words, word);
        return words;
    }

    private static uint BitwiseCrc(byte[] bytes)
    {
        uint crc = 0xFFFFFFFF;
        foreach (byte b in bytes)
        {
            crc ^= b;
            for (int k = 0; k < 8; k++)
            {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320 : crc >> 1;
            }
        }
        return ~crc;
    }
}
