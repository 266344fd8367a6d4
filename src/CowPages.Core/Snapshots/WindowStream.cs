using System;
using System.IO;

namespace CowPages.Snapshots;

/// <summary>A read-only window [offset, offset + length) of a file, so that the decompressor cannot run into the trailer.</summary>
internal sealed class WindowStream : Stream
{
    private readonly Stream _inner;
    private long _left;

    public WindowStream(Stream inner, long offset, long length)
    {
        _inner = inner;
        _inner.Position = offset;
        _left = length;
    }

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        if (_left <= 0)
        {
            return 0;
        }
        int got = _inner.Read(buffer[..(int)Math.Min(buffer.Length, _left)]);
        _left -= got;
        return got;
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
