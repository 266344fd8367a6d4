using System;
using System.IO;

namespace CowPages.Snapshots;

/// <summary>Passes writes on to a file and keeps the CRC-32 and length of everything written.</summary>
internal sealed class ChecksumStream : Stream
{
    private readonly Stream _inner;
    private readonly Crc32 _crc = new();

    public ChecksumStream(Stream inner) => _inner = inner;

    public uint Crc => _crc.Value;

    public long Written { get; private set; }

    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => Written;

    public override long Position
    {
        get => Written;
        set => throw new NotSupportedException();
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        _crc.Append(buffer);
        _inner.Write(buffer);
        Written += buffer.Length;
    }

    public override void Flush() => _inner.Flush();

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
}
