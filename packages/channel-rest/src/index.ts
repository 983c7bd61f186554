export {
  type Method,
  parseBody,
  type RestAnswer,
  type RestCall,
  RestClient,
  type RestClientOptions,
} from './rest-client.ts';
export { type Closable, probeWith, type Receiver, RestRun } from './rest-run.ts';
