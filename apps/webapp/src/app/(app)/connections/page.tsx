export default function Page() {
  return <h1>Connections</h1>;
}
