# Builds the kernel's own page-types (tools/vm/page-types.c) from Debian's linux-source-6.1 package, as the reference
# that Measure-PageFlags is tested and benchmarked against. Dot-source it and call Install-PageTypes: it returns the
# path of out/page-types/page-types, building it on the first call and reusing it afterwards.
#
# Only the package is cached (out/page-types/*.deb, 139 MB); nothing of the kernel's code is committed. From the
# tarball inside it, only page-types.c and the three headers it includes are extracted. The one function it needs
# from tools/lib/api, debugfs__mount(), serves only -X/-x (hwpoison injection), so tools/page-types-stubs.c stands in.

$script:PageTypesPackage = 'linux-source-6.1'
$script:PageTypesMembers = @(
    'tools/vm/page-types.c'
    'include/uapi/linux/kernel-page-flags.h'
    'include/uapi/linux/magic.h'
    'tools/lib/api/fs/fs.h'
)

function Invoke-PageTypesStep {
    # Runs one native step of the build and throws with its output if it fails.
    param([string]$What, [scriptblock]$Step)
    $output = & $Step 2>&1
    if ($LASTEXITCODE -ne 0) {
        throw "page-types: $What failed (exit code $LASTEXITCODE): $($output -join "`n")"
    }
}

function Install-PageTypes {
    param([string]$OutDir = (Join-Path (Split-Path -Parent $PSScriptRoot) 'out/page-types'))

    $binary = Join-Path $OutDir 'page-types'
    if (Test-Path $binary) {
        return $binary
    }
    $null = New-Item -ItemType Directory -Force $OutDir

    $deb = Get-ChildItem $OutDir -Filter "${script:PageTypesPackage}_*.deb" -ErrorAction SilentlyContinue | Select-Object -First 1
    if (-not $deb) {
        Write-Host "Downloading Debian's $script:PageTypesPackage (139 MB) for page-types" -ForegroundColor Cyan
        Push-Location $OutDir
        try {
            & apt-get download $script:PageTypesPackage 2>&1 | Out-Null
            if ($LASTEXITCODE -ne 0) {
                # A fresh machine has no package lists yet.
                Invoke-PageTypesStep 'apt-get update' { apt-get update -qq }
                Invoke-PageTypesStep "apt-get download $script:PageTypesPackage" { apt-get download $script:PageTypesPackage }
            }
        }
        finally {
            Pop-Location
        }
        $deb = Get-ChildItem $OutDir -Filter "${script:PageTypesPackage}_*.deb" | Select-Object -First 1
    }

    $source = Join-Path $OutDir 'src'
    Remove-Item -Recurse -Force $source -ErrorAction SilentlyContinue
    $null = New-Item -ItemType Directory $source
    $root = "$script:PageTypesPackage/"
    $members = $script:PageTypesMembers | ForEach-Object { $root + $_ }
    # The tarball is xz inside the .deb's data archive; only the wanted members are written out.
    $extract = "dpkg-deb --fsys-tarfile '$($deb.FullName)' | tar -xO './usr/src/$script:PageTypesPackage.tar.xz' | xz -dc | tar -x -C '$source' $($members -join ' ')"
    Invoke-PageTypesStep 'extracting page-types.c from the package' { bash -o pipefail -c $extract }

    $tree = Join-Path $source $script:PageTypesPackage
    $stubs = Join-Path $PSScriptRoot 'page-types-stubs.c'
    $built = "$binary.tmp"
    Invoke-PageTypesStep 'compiling page-types' {
        gcc -O2 -w -I (Join-Path $tree 'tools/lib') -o $built (Join-Path $tree 'tools/vm/page-types.c') $stubs
    }
    Move-Item -Force $built $binary
    $binary
}
